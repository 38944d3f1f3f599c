//! A compact binary form of a [`ReadResult`], so a Web Worker can hand a
//! parsed table to the page as one transferable buffer (no per-cell
//! messages, no JSON of a 100 MB table).

use crate::{ReadResult, Table};

const MAGIC: &[u8; 8] = b"OPSCALC1";

impl ReadResult {
    /// Encodes the result (table, encoding, delimiter, sheets, warnings).
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{read_text, ReadResult};
    /// let r = read_text("o.csv", "id,买家\n1,amy\n2,\n", None).unwrap();
    /// let back = ReadResult::from_bytes(&r.to_bytes()).unwrap();
    /// assert_eq!(back, r);
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let (name, headers, text, ends, row_numbers, overflow) = self.table.parts();
        let mut out = Vec::with_capacity(64 + text.len() + 4 * (ends.len() + row_numbers.len()));
        out.extend_from_slice(MAGIC);
        put_str(&mut out, name);
        put_strs(&mut out, headers);
        put_str(&mut out, text);
        put_u32s(&mut out, ends);
        put_u32s(&mut out, row_numbers);
        put_u32(&mut out, overflow.len() as u32);
        for &(row, n) in overflow {
            put_u32(&mut out, row);
            put_u32(&mut out, n as u32);
        }
        put_str(&mut out, &self.encoding);
        put_u32(&mut out, self.delimiter.map_or(u32::MAX, u32::from));
        put_strs(&mut out, &self.sheets);
        put_strs(&mut out, &self.warnings);
        out
    }

    /// Decodes what [`ReadResult::to_bytes`] wrote; anything else is an
    /// error, never a panic.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::ReadResult;
    /// assert!(ReadResult::from_bytes(b"not a table").is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<ReadResult, String> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(MAGIC.len())? != MAGIC {
            return Err("not an OpsCalc table buffer".into());
        }
        let name = r.string()?;
        let headers = r.strings()?;
        let text = r.string()?;
        let ends = r.u32s()?;
        let row_numbers = r.u32s()?;
        let n = r.u32()? as usize;
        let mut overflow = Vec::with_capacity(n.min(bytes.len() / 8));
        for _ in 0..n {
            overflow.push((r.u32()?, r.u32()? as usize));
        }
        let encoding = r.string()?;
        let delimiter = match r.u32()? {
            u32::MAX => None,
            d => Some(u8::try_from(d).map_err(|_| "bad delimiter")?),
        };
        let sheets = r.strings()?;
        let warnings = r.strings()?;
        if r.at != bytes.len() {
            return Err("trailing bytes after the table".into());
        }
        let table = Table::from_parts(name, headers, text, ends, row_numbers, overflow)?;
        Ok(ReadResult {
            table,
            encoding,
            delimiter,
            sheets,
            warnings,
        })
    }
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

fn put_strs(out: &mut Vec<u8>, list: &[String]) {
    put_u32(out, list.len() as u32);
    for s in list {
        put_str(out, s);
    }
}

fn put_u32s(out: &mut Vec<u8>, list: &[u32]) {
    put_u32(out, list.len() as u32);
    for &v in list {
        put_u32(out, v);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or("the table buffer is cut short")?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self) -> Result<String, String> {
        let n = self.u32()? as usize;
        let b = self.take(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| "text in the table buffer is not UTF-8".into())
    }

    fn strings(&mut self) -> Result<Vec<String>, String> {
        let n = self.u32()? as usize;
        (0..n).map(|_| self.string()).collect()
    }

    fn u32s(&mut self) -> Result<Vec<u32>, String> {
        let n = self.u32()? as usize;
        let b = self.take(n.checked_mul(4).ok_or("the table buffer is cut short")?)?;
        Ok(b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use crate::{read_bytes, ReadOptions, ReadResult};

    #[test]
    fn round_trip_keeps_everything_the_reader_found() {
        let r = read_bytes(
            "x.csv",
            "a;b;a\n1;\"2;3\";x;extra\n\n4;5;6\n".as_bytes(),
            &ReadOptions::default(),
        )
        .unwrap();
        assert_eq!(r.delimiter, Some(b';'));
        assert_eq!(r.table.overflow_rows().len(), 1);
        assert!(!r.warnings.is_empty());
        let back = ReadResult::from_bytes(&r.to_bytes()).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.table.cell(0, 1), "2;3");
        assert_eq!(back.table.row_number(1), 4);
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let r = read_bytes(
            "x.csv",
            "名,额\n甲,1\n乙,2\n".as_bytes(),
            &ReadOptions::default(),
        )
        .unwrap();
        let bytes = r.to_bytes();
        for n in 0..bytes.len() {
            assert!(ReadResult::from_bytes(&bytes[..n]).is_err(), "cut at {n}");
        }
        // An offset inside a multi-byte character is refused.
        let mut bad = bytes.clone();
        let at = bytes
            .windows(4)
            .position(|w| w == 3u32.to_le_bytes())
            .unwrap();
        bad[at] = 1; // first cell end "甲" = 3 bytes -> 1, inside the character
        assert!(ReadResult::from_bytes(&bad).is_err());
    }
}
