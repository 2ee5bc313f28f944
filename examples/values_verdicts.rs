//! Prints partnerkit's verdict on values, one JSON line per input, for the differential test
//! `scripts/values_differential.py` (issue 25), which compares them with Python libraries.
//!
//! Reads JSON lines `["kind", "input"]` from standard input, where kind is `phone`, `email`,
//! `domain`, `iban`, `tin` or `currency`, and prints `{"kind", "input", "ok", "value", "code"}`: `value`
//! is the stored (normalised) form when accepted, `code` the error's code when refused.
//!
//! `cargo run -q -p partnerkit-examples --example values_verdicts < inputs.jsonl`

use std::io::{BufRead, Write};

use partnerkit_core::chrono::{NaiveDate, TimeZone, Utc};
use partnerkit_core::{
    Actor, Context, CountryCode, Decider, DisplayName, EmailAddress, PhoneNumber, PostalAddress,
    SequentialIds, canonical_domain,
};
use partnerkit_payouts::{BankAccountNumber, BankAccountType, BankDetails, NewPayoutAccount};
use partnerkit_tax::{
    Command, ElectronicSignature, EntityType, ProfileDetails, Tax, TaxProfile, UsTin, W9,
};
use serde_json::{Value, json};

type Verdict = Result<String, String>;

fn iban(input: &str) -> Verdict {
    let cc: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(2)
        .collect::<String>()
        .to_ascii_uppercase();
    let country = CountryCode::new(&cc).map_err(|e| e.code().to_owned())?;
    let address = PostalAddress::builder("Main Street 1", "Capital", country)
        .postal_code("12345")
        .build()
        .map_err(|e| e.code().to_owned())?;
    let phone = PhoneNumber::new("+1 425 555 0100").map_err(|e| e.code().to_owned())?;
    let holder = DisplayName::new("Contoso Apps").map_err(|e| e.code().to_owned())?;
    NewPayoutAccount::bank(BankDetails {
        account_type: BankAccountType::Checking,
        holder,
        account_number: BankAccountNumber::new(input).map_err(|e| e.code().to_owned())?,
        routing_number: format!("ABCD{cc}2L"),
        billing_address: address,
        phone,
    })
    .map(|_| input.chars().filter(|c| !c.is_whitespace()).collect())
    .map_err(|e| e.code().to_owned())
}

fn tin(input: &str) -> Verdict {
    let ids = SequentialIds::default();
    let Some(now) = Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).single() else {
        return Err("clock".into());
    };
    let ctx = Context::new(now, Actor::Marketplace, &ids);
    let mut profile = TaxProfile::default();
    let details = ProfileDetails {
        residence: CountryCode::US,
        citizenship: CountryCode::US,
        entity_type: EntityType::Individual,
    };
    Tax::execute(&mut profile, Command::StartProfile(details), &ctx)
        .map_err(|e| e.code().to_owned())?;
    let name = DisplayName::new("Ann Lind").map_err(|e| e.code().to_owned())?;
    let on = NaiveDate::from_ymd_opt(2027, 3, 1).ok_or("date")?;
    let form = W9 {
        name: name.clone(),
        tin: UsTin::new(input).map_err(|e| e.code().to_owned())?,
        signature: ElectronicSignature::new(name, on),
    };
    Tax::execute(&mut profile, Command::SubmitW9(form), &ctx)
        .map(|_| input.chars().filter(char::is_ascii_digit).collect())
        .map_err(|e| e.code().to_owned())
}

fn verdict(kind: &str, input: &str) -> Verdict {
    match kind {
        "phone" => PhoneNumber::new(input)
            .map(|p| p.as_str().to_owned())
            .map_err(|e| e.code().to_owned()),
        "email" => EmailAddress::new(input)
            .map(|e| e.as_str().to_owned())
            .map_err(|e| e.code().to_owned()),
        "domain" => canonical_domain(input).map_err(|e| e.code().to_owned()),
        "iban" => iban(input),
        "tin" => tin(input),
        // The code and its minor unit's decimals, as `CODE:2`.
        "currency" => partnerkit::core::Currency::new(input)
            .map(|c| format!("{}:{}", c.code(), c.minor_unit_scale()))
            .map_err(|e| e.code().to_owned()),
        other => Err(format!("unknown kind {other}")),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let pair: (String, String) = serde_json::from_str(&line)?;
        let (kind, input) = pair;
        let v = verdict(&kind, &input);
        let record: Value = match v {
            Ok(value) => json!({"kind": kind, "input": input, "ok": true, "value": value}),
            Err(code) => json!({"kind": kind, "input": input, "ok": false, "code": code}),
        };
        writeln!(out, "{record}")?;
    }
    out.flush()?;
    Ok(())
}
