//! Reading a value from the body's binary form (see [`super`] for the format).
//!
//! Every read is bounds-checked and every length is checked against the bytes left, so a
//! damaged payload is an error, never a panic or a huge allocation; nesting is limited to
//! [`MAX_DEPTH`] so a crafted one cannot exhaust the stack.

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Visitor};

use super::Error;
use super::tag;

/// The deepest nesting of sequences, maps, options and variants read (the state needs about
/// ten; JSON's reader allows 128).
const MAX_DEPTH: u32 = 128;

/// Reads the one value `payload` holds; bytes after it are an error.
pub(super) fn read<'de, T: Deserialize<'de>>(payload: &'de [u8]) -> Result<T, Error> {
    let mut decoder = Decoder {
        rest: payload,
        names: Vec::new(),
        depth: 0,
    };
    let value = T::deserialize(&mut decoder)?;
    if decoder.rest.is_empty() {
        Ok(value)
    } else {
        Err(Error(format!(
            "{} bytes follow the state",
            decoder.rest.len()
        )))
    }
}

/// The decoder: the bytes not read yet and the names read so far (the n-th `NEW_NAME` is name
/// number n).
struct Decoder<'de> {
    rest: &'de [u8],
    names: Vec<&'de str>,
    depth: u32,
}

fn truncated() -> Error {
    Error("it ends in the middle of a value".into())
}

impl<'de> Decoder<'de> {
    #[inline]
    fn byte(&mut self) -> Result<u8, Error> {
        let (&b, rest) = self.rest.split_first().ok_or_else(truncated)?;
        self.rest = rest;
        Ok(b)
    }

    #[inline]
    fn peek(&self) -> Result<u8, Error> {
        self.rest.first().copied().ok_or_else(truncated)
    }

    #[inline]
    fn take(&mut self, n: usize) -> Result<&'de [u8], Error> {
        let (taken, rest) = self.rest.split_at_checked(n).ok_or_else(truncated)?;
        self.rest = rest;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let (taken, rest) = self.rest.split_first_chunk::<N>().ok_or_else(truncated)?;
        self.rest = rest;
        Ok(*taken)
    }

    #[inline]
    fn varint(&mut self) -> Result<u64, Error> {
        // Most numbers (names, lengths, small integers) are one byte.
        if let Some((&b, rest)) = self.rest.split_first()
            && b < 0x80
        {
            self.rest = rest;
            return Ok(u64::from(b));
        }
        self.long_varint()
    }

    fn long_varint(&mut self) -> Result<u64, Error> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let bits = u64::from(b & 0x7F);
            if shift == 63 && bits > 1 {
                break;
            }
            n |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(Error("a number is longer than 64 bits".into()))
    }

    /// A count of elements: each takes at least one byte, so a count above the bytes left is
    /// damage (and never reaches an allocation).
    #[inline]
    fn count(&mut self) -> Result<usize, Error> {
        let n = self.varint()?;
        match usize::try_from(n) {
            Ok(n) if n <= self.rest.len() => Ok(n),
            _ => Err(Error(format!(
                "it announces {n} elements with {} bytes left",
                self.rest.len()
            ))),
        }
    }

    #[inline]
    fn text(&mut self) -> Result<&'de str, Error> {
        let n = self.count()?;
        std::str::from_utf8(self.take(n)?).map_err(|e| Error(format!("a text is not UTF-8: {e}")))
    }

    /// The name a `NAME` or `NEW_NAME` tag (already read) introduces.
    #[inline]
    fn name(&mut self, tag: u8) -> Result<&'de str, Error> {
        if tag == tag::NEW_NAME {
            let name = self.text()?;
            self.names.push(name);
            return Ok(name);
        }
        let id = self.varint()?;
        usize::try_from(id)
            .ok()
            .and_then(|i| self.names.get(i).copied())
            .ok_or_else(|| Error(format!("name number {id} was never written")))
    }

    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, Error>) -> Result<T, Error> {
        if self.depth >= MAX_DEPTH {
            return Err(Error(format!("it nests deeper than {MAX_DEPTH} levels")));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// Visits a sequence or map whose tag was just read; `len` is `None` for an open-ended
    /// one. Every element must be read.
    fn compound<V: Visitor<'de>>(
        &mut self,
        len: Option<usize>,
        map: bool,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.nested(|de| {
            let mut access = Elements { de, left: len };
            let value = if map {
                visitor.visit_map(&mut access)?
            } else {
                visitor.visit_seq(&mut access)?
            };
            match access.left {
                Some(0) => Ok(value),
                None if access.de.byte()? == tag::END => Ok(value),
                _ => Err(Error("a sequence or map has elements left unread".into())),
            }
        })
    }

    fn known(&mut self) -> Result<Option<usize>, Error> {
        self.count().map(Some)
    }
}

/// The elements of a sequence or map: `left` counts down a known length; `None` reads to
/// [`tag::END`].
struct Elements<'a, 'de> {
    de: &'a mut Decoder<'de>,
    left: Option<usize>,
}

impl Elements<'_, '_> {
    fn has_next(&mut self) -> Result<bool, Error> {
        match &mut self.left {
            Some(0) => Ok(false),
            Some(n) => {
                *n -= 1;
                Ok(true)
            }
            None if self.de.peek()? == tag::END => {
                self.de.byte()?;
                self.left = Some(0);
                Ok(false)
            }
            None => Ok(true),
        }
    }
}

impl<'de> de::SeqAccess<'de> for Elements<'_, 'de> {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.has_next()? {
            seed.deserialize(&mut *self.de).map(Some)
        } else {
            Ok(None)
        }
    }
    fn size_hint(&self) -> Option<usize> {
        self.left
    }
}

impl<'de> de::MapAccess<'de> for Elements<'_, 'de> {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if self.has_next()? {
            seed.deserialize(&mut *self.de).map(Some)
        } else {
            Ok(None)
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        seed.deserialize(&mut *self.de)
    }
    fn size_hint(&self) -> Option<usize> {
        self.left
    }
}

/// An enum's variant: its name, and whether a value follows (`Some(open)`: in a one-entry
/// map, open-ended if `open`).
struct Variant<'a, 'de> {
    de: &'a mut Decoder<'de>,
    name: &'de str,
    payload: Option<bool>,
}

impl<'a, 'de> de::EnumAccess<'de> for Variant<'a, 'de> {
    type Error = Error;
    type Variant = Self;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let name = de::value::BorrowedStrDeserializer::<Error>::new(self.name);
        Ok((seed.deserialize(name)?, self))
    }
}

impl<'de> Variant<'_, 'de> {
    fn payload<T>(self, f: impl FnOnce(&mut Decoder<'de>) -> Result<T, Error>) -> Result<T, Error> {
        let Some(open) = self.payload else {
            return Err(Error(format!("the variant {} has no value", self.name)));
        };
        let value = self.de.nested(f)?;
        if open && self.de.byte()? != tag::END {
            return Err(Error(format!(
                "the variant {} has more than one value",
                self.name
            )));
        }
        Ok(value)
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_, 'de> {
    type Error = Error;
    fn unit_variant(self) -> Result<(), Error> {
        match self.payload {
            None => Ok(()),
            Some(_) => self.payload(|de| <()>::deserialize(de)),
        }
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        self.payload(|de| seed.deserialize(de))
    }
    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        self.payload(|de| de::Deserializer::deserialize_any(de, visitor))
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.payload(|de| de::Deserializer::deserialize_any(de, visitor))
    }
}

impl<'de> de::Deserializer<'de> for &mut Decoder<'de> {
    type Error = Error;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let t = self.byte()?;
        match t {
            tag::NONE => visitor.visit_none(),
            tag::SOME => self.nested(|de| visitor.visit_some(de)),
            tag::UNIT => visitor.visit_unit(),
            tag::FALSE => visitor.visit_bool(false),
            tag::TRUE => visitor.visit_bool(true),
            tag::UINT => visitor.visit_u64(self.varint()?),
            tag::NINT => {
                let n = i64::try_from(self.varint()?)
                    .map_err(|_| Error("a negative number is below i64::MIN".into()))?;
                visitor.visit_i64(!n)
            }
            tag::U128 => visitor.visit_u128(u128::from_le_bytes(self.array()?)),
            tag::I128 => visitor.visit_i128(i128::from_le_bytes(self.array()?)),
            tag::F32 => visitor.visit_f32(f32::from_le_bytes(self.array()?)),
            tag::F64 => visitor.visit_f64(f64::from_le_bytes(self.array()?)),
            tag::CHAR => {
                let n = self.varint()?;
                let c = u32::try_from(n).ok().and_then(char::from_u32);
                visitor.visit_char(c.ok_or_else(|| Error(format!("{n} is not a character")))?)
            }
            tag::STR => visitor.visit_borrowed_str(self.text()?),
            tag::BYTES => {
                let n = self.count()?;
                visitor.visit_borrowed_bytes(self.take(n)?)
            }
            tag::NAME | tag::NEW_NAME => visitor.visit_borrowed_str(self.name(t)?),
            tag::SEQ => {
                let len = self.known()?;
                self.compound(len, false, visitor)
            }
            tag::OPEN_SEQ => self.compound(None, false, visitor),
            tag::MAP => {
                let len = self.known()?;
                self.compound(len, true, visitor)
            }
            tag::OPEN_MAP => self.compound(None, true, visitor),
            other => Err(Error(format!("{other} is not a value's tag"))),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let t = self.byte()?;
        let (name, payload) = match t {
            tag::NAME | tag::NEW_NAME => (self.name(t)?, None),
            tag::STR => (self.text()?, None),
            tag::MAP | tag::OPEN_MAP => {
                if t == tag::MAP && self.varint()? != 1 {
                    return Err(Error("a variant is a map of more than one entry".into()));
                }
                let k = self.byte()?;
                let name = match k {
                    tag::NAME | tag::NEW_NAME => self.name(k)?,
                    tag::STR => self.text()?,
                    _ => return Err(Error("a variant's name is not a text".into())),
                };
                (name, Some(t == tag::OPEN_MAP))
            }
            other => return Err(Error(format!("{other} is not a variant's tag"))),
        };
        visitor.visit_enum(Variant {
            de: self,
            name,
            payload,
        })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}
