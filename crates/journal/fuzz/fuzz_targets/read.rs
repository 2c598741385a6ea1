//! Arbitrary bytes, as text, into `read` and `load`: neither may panic,
//! whatever `read` refuses `load` refuses with the same error, and what
//! both post has the same balances.
#![no_main]

use bureau_journal::{load, post, read};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let fast = load("fuzz.journal", &text).and_then(|book| book.balances());
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
