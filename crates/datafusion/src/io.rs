//! Tables in and out: a folder of Parquet files, or record batches in memory.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::datasource::MemTable;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::WriterProperties;
use datafusion::prelude::{ParquetReadOptions, SessionContext};

use crate::error::Error;
use crate::table;

/// Writes `batches` (of `schema`) to one Parquet file at `path`, Snappy-compressed.
pub fn write_parquet(path: &Path, schema: SchemaRef, batches: &[RecordBatch]) -> Result<(), Error> {
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writer = ArrowWriter::try_new(File::create(path)?, schema, Some(props))?;
    for b in batches {
        writer.write(b)?;
    }
    writer.close()?;
    Ok(())
}

/// Writes a table as a folder of Parquet files, `files` of them (at least one), the batches
/// dealt out in turn: `dir/<name>/part-<i>.parquet`.
pub fn write_folder(
    dir: &Path,
    name: &str,
    schema: SchemaRef,
    batches: &[RecordBatch],
    files: usize,
) -> Result<(), Error> {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder)?;
    let files = files.max(1);
    for i in 0..files {
        let part: Vec<RecordBatch> = batches.iter().skip(i).step_by(files).cloned().collect();
        write_parquet(
            &folder.join(format!("part-{i}.parquet")),
            schema.clone(),
            &part,
        )?;
    }
    Ok(())
}

/// Registers the run's tables from a folder: `dir/ledger/`, `dir/accounts/` and, if it
/// exists, `dir/rates/`, each a folder of Parquet files.
pub async fn register_folder(ctx: &SessionContext, dir: &Path) -> Result<(), Error> {
    for name in [table::LEDGER, table::ACCOUNTS, table::RATES] {
        let folder = dir.join(name);
        if name == table::RATES && !folder.exists() {
            continue;
        }
        let path = format!("{}/", folder.display());
        ctx.register_parquet(name, &path, ParquetReadOptions::default())
            .await?;
    }
    Ok(())
}

/// Registers record batches in memory as table `name`, split into `partitions` partitions
/// (the batches dealt out in turn).
pub fn register_batches(
    ctx: &SessionContext,
    name: &str,
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
    partitions: usize,
) -> Result<(), Error> {
    let partitions = partitions.max(1);
    let mut parts = vec![Vec::new(); partitions];
    for (i, b) in batches.into_iter().enumerate() {
        if let Some(p) = parts.get_mut(i % partitions) {
            p.push(b);
        }
    }
    let table = MemTable::try_new(schema, parts)?;
    ctx.register_table(name, Arc::new(table))?;
    Ok(())
}
