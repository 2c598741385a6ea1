//! The SHA-256 of the audit chain, fed straight from the canonical encoding.
//!
//! What it saves: an entry is hashed while it is encoded, its many small
//! pieces (ids, flags, varints, short texts) copied with fixed-size moves into
//! one buffer of two blocks and compressed straight from there, instead of
//! building the entry's canonical bytes in a vector first and handing them to
//! the hasher (one allocation and one copy of every entry, and a hasher call
//! per piece). Not measured on its own: the whole chain hash is about 125 ns
//! of a two-leg post, two compressions being the floor for such an entry (the
//! performance notes, `PERF.md` at the repository root, have the
//! measurements). The tests check it against the `sha2` digest byte for byte.

pub(super) trait Sink {
    fn put(&mut self, bytes: &[u8]);

    /// A piece of a size known at compile time: lets the hashing sink copy
    /// it with a few moves instead of a call to `memcpy`.
    fn put_fixed<const N: usize>(&mut self, bytes: &[u8; N]) {
        self.put(bytes);
    }

    /// The first `len` bytes of `bytes` (a short piece of varying length, as
    /// a varint or a currency): sinks with room may copy all `N` bytes and
    /// keep `len`, again without a call to `memcpy`.
    fn put_prefix<const N: usize>(&mut self, bytes: &[u8; N], len: usize) {
        self.put(bytes.get(..len).unwrap_or(bytes));
    }
}

impl Sink for Vec<u8> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Bytes gathered before each call of the compression function: two blocks.
const BUFFER: usize = 128;

/// The SHA-256 initial hash value (FIPS 180-4, 5.3.3).
const INITIAL_STATE: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// Compresses a full buffer. Kept out of line and given only the fields it
/// needs, so that the position in the buffer can stay in a register while an
/// entry is encoded.
#[cold]
#[inline(never)]
fn compress(state: &mut [u32; 8], buffer: &[u8; BUFFER]) {
    let (blocks, _) = buffer.as_chunks::<64>();
    sha2::block_api::compress256(state, blocks);
}

/// SHA-256 fed with the many small pieces of an encoding: they are copied
/// into one buffer of whole blocks and compressed straight from it, so that
/// an entry is hashed without building its bytes elsewhere or copying them
/// twice. The tests check it against the `sha2` digest.
pub(super) struct Hashing {
    state: [u32; 8],
    buffer: [u8; BUFFER],
    // Bytes in `buffer`; always below `BUFFER` between calls.
    len: usize,
    // Bytes compressed so far.
    compressed: u64,
}

impl Hashing {
    pub(super) const fn new() -> Self {
        Self {
            state: INITIAL_STATE,
            buffer: [0; BUFFER],
            len: 0,
            compressed: 0,
        }
    }

    #[inline(always)]
    fn compress_if_full(&mut self) {
        if self.len == BUFFER {
            compress(&mut self.state, &self.buffer);
            self.compressed = self.compressed.wrapping_add(BUFFER as u64);
            self.len = 0;
        }
    }

    fn put_long(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let free = self.buffer.get_mut(self.len..).unwrap_or_default();
            let take = free.len().min(bytes.len());
            let (now, rest) = bytes.split_at(take);
            if let Some(free) = free.get_mut(..take) {
                free.copy_from_slice(now);
            }
            self.len += take;
            bytes = rest;
            self.compress_if_full();
        }
    }

    /// Pads the message (FIPS 180-4, 5.1.1) and returns the digest.
    pub(super) fn finish(&mut self) -> [u8; 32] {
        let bits = self
            .compressed
            .wrapping_add(self.len as u64)
            .wrapping_mul(8);
        self.put_fixed(&[0x80]);
        // Zeros up to 8 bytes short of a block boundary.
        let zeros = (64 + 56 - self.len % 64) % 64;
        self.put_prefix(&[0; 64], zeros);
        self.put_fixed(&bits.to_be_bytes());
        // The buffer now holds zero or one whole block.
        let (blocks, _) = self
            .buffer
            .get(..self.len)
            .unwrap_or_default()
            .as_chunks::<64>();
        sha2::block_api::compress256(&mut self.state, blocks);
        let mut digest = [0; 32];
        for (bytes, word) in digest.as_chunks_mut::<4>().0.iter_mut().zip(self.state) {
            *bytes = word.to_be_bytes();
        }
        digest
    }
}

impl Sink for Hashing {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        // Short strings (descriptions, memos) in fixed-size pieces: cheaper
        // than a call to `memcpy`, which a plain copy loop would become.
        if bytes.len() <= 32 {
            let (words, tail) = bytes.as_chunks::<8>();
            for word in words {
                self.put_fixed(word);
            }
            for byte in tail {
                self.put_fixed(&[*byte]);
            }
        } else {
            self.put_long(bytes);
        }
    }

    #[inline(always)]
    fn put_fixed<const N: usize>(&mut self, bytes: &[u8; N]) {
        match self
            .buffer
            .get_mut(self.len..self.len + N)
            .and_then(|free| <&mut [u8; N]>::try_from(free).ok())
        {
            Some(free) => {
                *free = *bytes;
                self.len += N;
                self.compress_if_full();
            }
            None => self.put_long(bytes),
        }
    }

    #[inline(always)]
    fn put_prefix<const N: usize>(&mut self, bytes: &[u8; N], len: usize) {
        let len = len.min(N);
        match self
            .buffer
            .get_mut(self.len..self.len + N)
            .and_then(|free| <&mut [u8; N]>::try_from(free).ok())
        {
            // The bytes past `len` are overwritten by what comes next (at
            // the latest by the padding).
            Some(free) => {
                *free = *bytes;
                self.len += len;
                self.compress_if_full();
            }
            None => self.put(bytes.get(..len).unwrap_or(bytes)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    /// The streaming hash agrees with the `sha2` digest whatever the length
    /// (around each padding boundary) and however the bytes arrive.
    #[test]
    fn streaming_hash_matches_the_digest() {
        let message: Vec<u8> = (0..400_u32).map(|n| (n * 31 % 251) as u8).collect();
        for len in 0..message.len() {
            let message = &message[..len];
            let expected: [u8; 32] = Sha256::digest(message).into();
            let mut whole = Hashing::new();
            whole.put(message);
            assert_eq!(whole.finish(), expected, "length {len}");
            let mut pieces = Hashing::new();
            let mut rest = message;
            let mut size = 1;
            while !rest.is_empty() {
                let (piece, tail) = rest.split_at(size.min(rest.len()));
                match piece.len() {
                    16 => pieces.put_fixed(&<[u8; 16]>::try_from(piece).unwrap()),
                    n if n < 8 => {
                        let mut padded = [0xee; 8];
                        padded[..n].copy_from_slice(piece);
                        pieces.put_prefix(&padded, n);
                    }
                    _ => pieces.put(piece),
                }
                rest = tail;
                size = size % 23 + 1;
            }
            assert_eq!(pieces.finish(), expected, "length {len} in pieces");
        }
    }
}
