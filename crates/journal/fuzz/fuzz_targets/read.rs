//! Arbitrary bytes, as text, into `read`, `load` and a `Loader` fed the
//! text in two pieces: none may panic, whatever `read` refuses `load`
//! refuses with the same error, what both post has the same balances, and
//! the pieces give what `load` gives for the whole text.
#![no_main]

use bureau_journal::{Loader, load, post, read};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let fast = load("fuzz.journal", &text).and_then(|book| book.balances());
    // Cut where the first byte says, on a character boundary.
    let mut cut = usize::from(data.first().copied().unwrap_or(0)).min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let (head, tail) = text.split_at(cut);
    let mut loader = Loader::new("fuzz.journal");
    let pieces = loader
        .read(head)
        .and_then(|()| loader.read(tail))
        .and_then(|()| loader.finish())
        .and_then(|book| book.balances());
    assert_eq!(pieces, fast);
    match read("fuzz.journal", &text) {
        Err(error) => assert_eq!(fast, Err(error)),
        Ok(journal) => {
            let slow = post(&journal).and_then(|book| book.balances());
            if let (Ok(slow), Ok(fast)) = (&slow, &fast) {
                assert_eq!(slow, fast);
            }
            assert_eq!(slow.is_ok(), fast.is_ok());
        }
    }
});
