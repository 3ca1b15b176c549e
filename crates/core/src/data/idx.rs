//! Reader for the IDX format MNIST ships in (LeCun's, big-endian), raw or gzip-compressed.

use crate::{Error, Result};
use std::io::Read;

/// Decompresses `bytes` when they start with the gzip magic; returns them unchanged otherwise.
pub fn maybe_gunzip(bytes: Vec<u8>) -> Result<Vec<u8>> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| Error::Idx(format!("corrupt gzip stream: {e}")))?;
        Ok(out)
    } else {
        Ok(bytes)
    }
}

/// Parses an IDX file of unsigned bytes: returns its dimensions and its payload.
/// Rejects any other element type, a bad magic number, and a payload of the wrong length.
pub fn parse_u8(bytes: &[u8]) -> Result<(Vec<usize>, &[u8])> {
    if bytes.len() < 4 {
        return Err(Error::Idx(format!(
            "{} bytes is too short for a header",
            bytes.len()
        )));
    }
    if bytes[0] != 0 || bytes[1] != 0 {
        return Err(Error::Idx(
            "magic number does not start with two zero bytes".into(),
        ));
    }
    if bytes[2] != 0x08 {
        return Err(Error::Idx(format!(
            "element type 0x{:02x} is not unsigned byte (0x08)",
            bytes[2]
        )));
    }
    let rank = bytes[3] as usize;
    if rank == 0 || rank > 4 {
        return Err(Error::Idx(format!("rank {rank} is not between 1 and 4")));
    }
    let header = 4 + 4 * rank;
    if bytes.len() < header {
        return Err(Error::Idx("truncated header".into()));
    }
    let dims: Vec<usize> = (0..rank)
        .map(|i| u32::from_be_bytes(bytes[4 + 4 * i..8 + 4 * i].try_into().unwrap()) as usize)
        .collect();
    let expected = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    let payload = &bytes[header..];
    match expected {
        Some(n) if n == payload.len() => Ok((dims, payload)),
        Some(n) => Err(Error::Idx(format!(
            "dimensions {dims:?} need {n} bytes of data but the file has {}",
            payload.len()
        ))),
        None => Err(Error::Idx(format!("dimensions {dims:?} overflow"))),
    }
}

/// Parses an image file (rank 3: count × 28 × 28).
pub fn parse_images(bytes: &[u8]) -> Result<Vec<u8>> {
    let (dims, data) = parse_u8(bytes)?;
    if dims.len() != 3 || dims[1] != crate::SIDE || dims[2] != crate::SIDE {
        return Err(Error::Idx(format!(
            "expected N×28×28 images, found dimensions {dims:?}"
        )));
    }
    Ok(data.to_vec())
}

/// Parses a label file (rank 1), checking every label is a digit.
pub fn parse_labels(bytes: &[u8]) -> Result<Vec<u8>> {
    let (dims, data) = parse_u8(bytes)?;
    if dims.len() != 1 {
        return Err(Error::Idx(format!(
            "expected a rank-1 label file, found dimensions {dims:?}"
        )));
    }
    if let Some(bad) = data.iter().find(|&&l| l as usize >= crate::CLASSES) {
        return Err(Error::Idx(format!("label {bad} is not a digit")));
    }
    Ok(data.to_vec())
}

/// Encodes bytes as IDX (the inverse of [`parse_u8`]), for writing the committed test slice.
pub fn encode_u8(dims: &[usize], data: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 0x08, dims.len() as u8];
    for d in dims {
        out.extend_from_slice(&(*d as u32).to_be_bytes());
    }
    out.extend_from_slice(data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images(n: usize) -> Vec<u8> {
        encode_u8(&[n, 28, 28], &vec![7u8; n * 784])
    }

    #[test]
    fn round_trips_images_and_labels() {
        assert_eq!(parse_images(&images(3)).unwrap().len(), 3 * 784);
        assert_eq!(
            parse_labels(&encode_u8(&[4], &[0, 9, 3, 1])).unwrap(),
            vec![0, 9, 3, 1]
        );
    }

    #[test]
    fn reads_gzip_and_raw_alike() {
        use std::io::Write;
        let raw = images(2);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&raw).unwrap();
        assert_eq!(maybe_gunzip(gz.finish().unwrap()).unwrap(), raw);
        assert_eq!(maybe_gunzip(raw.clone()).unwrap(), raw);
    }

    #[test]
    fn rejects_corrupt_files() {
        let good = images(2);
        let truncated = &good[..good.len() - 1];
        assert!(
            parse_images(truncated)
                .unwrap_err()
                .to_string()
                .contains("need 1568 bytes")
        );
        let mut bad_magic = good.clone();
        bad_magic[0] = 1;
        assert!(parse_images(&bad_magic).is_err());
        let mut bad_type = good.clone();
        bad_type[2] = 0x0d;
        assert!(
            parse_images(&bad_type)
                .unwrap_err()
                .to_string()
                .contains("element type")
        );
        assert!(parse_images(&[0, 0]).is_err());
        assert!(parse_images(&encode_u8(&[2, 27, 28], &[0; 2 * 27 * 28])).is_err());
        assert!(
            parse_labels(&encode_u8(&[2], &[3, 10]))
                .unwrap_err()
                .to_string()
                .contains("not a digit")
        );
        assert!(maybe_gunzip(vec![0x1f, 0x8b, 8, 0, 1, 2]).is_err());
    }
}
