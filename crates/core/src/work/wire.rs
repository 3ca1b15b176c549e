//! Long vectors on the wire: floats (weights, gradients) and bytes (digits) as base64 text of
//! their little-endian bytes, which JSON carries as one string instead of thousands of numbers.
//! Use with `#[serde(with = "crate::work::wire::floats")]` (or `bytes`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serializer, de::Error};

/// `Vec<f32>` as base64 of its little-endian bytes (exact: every bit survives).
pub mod floats {
    use super::*;

    pub fn serialize<S: Serializer>(values: &[f32], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f32>, D::Error> {
        let bytes = super::bytes::deserialize(d)?;
        if bytes.len() % 4 != 0 {
            return Err(D::Error::custom(
                "a float vector of a length not a multiple of 4",
            ));
        }
        Ok(bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
}

/// `Vec<u8>` as base64.
pub mod bytes {
    use super::*;

    pub fn serialize<S: Serializer>(values: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(values))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Both {
        #[serde(with = "super::floats")]
        floats: Vec<f32>,
        #[serde(with = "super::bytes")]
        bytes: Vec<u8>,
    }

    #[test]
    fn floats_and_bytes_come_back_bit_for_bit_and_bad_text_is_refused() {
        let both = Both {
            floats: vec![0.1, -3.5e-12, f32::MAX, -0.0, 1.0 / 3.0],
            bytes: (0..=255).collect(),
        };
        let text = serde_json::to_string(&both).unwrap();
        let back: Both = serde_json::from_str(&text).unwrap();
        let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&back.floats), bits(&both.floats));
        assert_eq!(back.bytes, both.bytes);
        let bad = r#"{"floats":"AAAA!","bytes":""}"#;
        assert!(serde_json::from_str::<Both>(bad).is_err());
        let short = r#"{"floats":"AAA=","bytes":""}"#;
        assert!(serde_json::from_str::<Both>(short).is_err());
    }
}
