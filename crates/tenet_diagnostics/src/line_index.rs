//! Converts byte offsets to 1-based lines and columns (Unicode scalar values, or UTF-16 units for LSP).

/// A 1-based position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in Unicode scalar values.
    pub column: u32,
    /// Byte offset in the file.
    pub offset: u32,
}

/// The start offset of every line of a text.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    /// Whether the whole text is ASCII, where columns are byte distances (minified policies put
    /// thousands of findings on one line: counting characters for each would be quadratic).
    ascii: bool,
    /// For non-ASCII text, the column (in characters, 0-based) at every multiple of
    /// [`CHECKPOINT`] bytes, counted from the start of that offset's line: a column is then found
    /// by counting at most one block, however long the line.
    checkpoints: Vec<u32>,
}

/// Bytes between two column checkpoints of a non-ASCII text.
const CHECKPOINT: usize = 4096;

impl LineIndex {
    /// Indexes `text`. Lines end at `\n`; a `\r` before it belongs to the line it ends.
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        let ascii = text.is_ascii();
        let mut checkpoints = Vec::new();
        if !ascii {
            let mut column = 0u32;
            for (i, b) in text.bytes().enumerate() {
                if i % CHECKPOINT == 0 {
                    checkpoints.push(column);
                }
                if b == b'\n' {
                    column = 0;
                } else if (b & 0xC0) != 0x80 {
                    column += 1;
                }
            }
        }
        LineIndex {
            line_starts,
            ascii,
            checkpoints,
        }
    }

    /// The 0-based line holding `offset`.
    pub fn line_of_offset(&self, offset: u32) -> usize {
        self.line_of(offset)
    }

    /// The byte offset where the 0-based `line` starts, if the text has that line.
    pub fn line_start(&self, line: usize) -> Option<u32> {
        self.line_starts.get(line).copied()
    }

    fn line_of(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The line and column of `offset` in `text` (the text this index was built from). An offset inside a
    /// multi-byte character counts as that character.
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = offset.min(u32::try_from(text.len()).unwrap_or(u32::MAX));
        let line = self.line_of(offset);
        let start = self.start_of(line) as usize;
        if self.ascii {
            return LineCol {
                line: u32::try_from(line + 1).unwrap_or(u32::MAX),
                column: offset - self.start_of(line) + 1,
                offset,
            };
        }
        // Count from the last checkpoint inside this line, or from the line start.
        let block = offset as usize / CHECKPOINT * CHECKPOINT;
        let (from, base) = match self.checkpoints.get(offset as usize / CHECKPOINT) {
            Some(&c) if block > start => (block, c as usize),
            _ => (start, 0),
        };
        let prefix = base
            + text
                .as_bytes()
                .get(from..offset as usize)
                .unwrap_or_default()
                .iter()
                .filter(|&&b| (b & 0xC0) != 0x80)
                .count();
        LineCol {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(prefix + 1).unwrap_or(u32::MAX),
            offset,
        }
    }

    /// The start of a line that [`Self::line_of`] returned (0 for an out-of-range line, which it never
    /// returns: the first line starts at 0).
    fn start_of(&self, line: usize) -> u32 {
        self.line_starts.get(line).copied().unwrap_or(0)
    }

    /// The 0-based line and UTF-16 column of `offset`, as the Language Server Protocol counts them.
    pub fn utf16_position(&self, text: &str, offset: u32) -> (u32, u32) {
        let offset = offset.min(u32::try_from(text.len()).unwrap_or(u32::MAX));
        let line = self.line_of(offset);
        let start = self.start_of(line) as usize;
        let mut col = 0usize;
        // A line start of this index is a char boundary of the text it was built from.
        for (i, c) in text.get(start..).unwrap_or_default().char_indices() {
            if start + i >= offset as usize {
                break;
            }
            col += c.len_utf16();
        }
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col).unwrap_or(u32::MAX),
        )
    }

    /// The byte offset of a 0-based line and UTF-16 column, clamped to the text.
    pub fn offset_of_utf16(&self, text: &str, line: u32, col: u32) -> u32 {
        let Some(&start) = self.line_starts.get(line as usize) else {
            return u32::try_from(text.len()).unwrap_or(u32::MAX);
        };
        let Some(line_text) = text.get(start as usize..) else {
            return u32::try_from(text.len()).unwrap_or(u32::MAX);
        };
        let mut units = 0u32;
        for (i, c) in line_text.char_indices() {
            if units >= col || c == '\n' {
                return start + u32::try_from(i).unwrap_or(u32::MAX);
            }
            units += u32::try_from(c.len_utf16()).unwrap_or(2);
        }
        u32::try_from(text.len()).unwrap_or(u32::MAX)
    }

    /// The 0-based line and byte column of `offset`, as the Language Server Protocol counts them
    /// under the `utf-8` position encoding.
    pub fn utf8_position(&self, text: &str, offset: u32) -> (u32, u32) {
        let offset = offset.min(u32::try_from(text.len()).unwrap_or(u32::MAX));
        let line = self.line_of(offset);
        (u32::try_from(line).unwrap_or(u32::MAX), offset - self.start_of(line))
    }

    /// The byte offset of a 0-based line and byte column, clamped to the line (a column past its
    /// end means its end) and moved back to a character boundary.
    pub fn offset_of_utf8(&self, text: &str, line: u32, col: u32) -> u32 {
        let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
        let Some(&start) = self.line_starts.get(line as usize) else {
            return len;
        };
        let line_end = self
            .line_starts
            .get(line as usize + 1)
            .map_or(len, |&next| next.saturating_sub(1));
        let mut offset = start.saturating_add(col).min(line_end) as usize;
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        u32::try_from(offset).unwrap_or(u32::MAX)
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_scalar_values_not_bytes() {
        let text = "{\n  \"Sid\": \"Zugriff für Ünïcode\", \"X\": 1\n}";
        let idx = LineIndex::new(text);
        let off = text.find("\"X\"").unwrap() as u32;
        let lc = idx.line_col(text, off);
        assert_eq!((lc.line, lc.column), (2, 33));
        assert_eq!(idx.utf16_position(text, off), (1, 32));
        assert_eq!(idx.offset_of_utf16(text, 1, 32), off);
    }

    #[test]
    fn astral_characters_take_two_utf16_units() {
        let text = "\"😀\",x";
        let idx = LineIndex::new(text);
        let off = text.find('x').unwrap() as u32;
        assert_eq!(idx.line_col(text, off).column, 5);
        assert_eq!(idx.utf16_position(text, off), (0, 5));
    }

    #[test]
    fn utf8_positions_count_bytes() {
        let text = "{\n  \"Sid\": \"für\", \"X\": 1\n}";
        let idx = LineIndex::new(text);
        let off = text.find("\"X\"").unwrap() as u32;
        assert_eq!(idx.utf8_position(text, off), (1, 17));
        assert_eq!(idx.offset_of_utf8(text, 1, 17), off);
        let inside_u = text.find('ü').unwrap() as u32 + 1;
        assert_eq!(idx.offset_of_utf8(text, 1, inside_u - 2), inside_u - 1);
        assert_eq!(idx.offset_of_utf8(text, 0, 99), 1);
        assert_eq!(idx.offset_of_utf8(text, 9, 0), text.len() as u32);
    }

    #[test]
    fn columns_on_a_long_non_ascii_line_match_a_plain_count() {
        let text = format!("\n{}x\n{}", "é".repeat(9000), "ü".repeat(5000));
        let idx = LineIndex::new(&text);
        for offset in [1, 2, 4097, 9001, 18001, 18002, 18003, 20000, text.len()] {
            let offset = offset.min(text.len());
            let line_start = text.as_bytes()[..offset]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let expected = text.as_bytes()[line_start..offset]
                .iter()
                .filter(|&&b| (b & 0xC0) != 0x80)
                .count();
            let lc = idx.line_col(&text, offset as u32);
            assert_eq!(lc.column as usize, expected + 1, "offset {offset}");
        }
    }

    #[test]
    fn offsets_past_the_end_clamp() {
        let idx = LineIndex::new("ab\ncd");
        let lc = idx.line_col("ab\ncd", 99);
        assert_eq!((lc.line, lc.column, lc.offset), (2, 3, 5));
    }
}
