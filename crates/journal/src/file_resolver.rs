//! `include` from the file system (feature `fs`).

use std::path::{Path, PathBuf};

use crate::Resolver;

/// Reads included files from the file system: a relative path is taken
/// from the directory of the including file, as hledger and ledger-cli do.
/// Errors are named by the path read.
///
/// ```no_run
/// use bureau_journal::{FileResolver, read_with};
///
/// let path = "books/main.journal";
/// let text = std::fs::read_to_string(path)?;
/// let journal = read_with(path, &text, &mut FileResolver)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileResolver;

impl Resolver for FileResolver {
    fn resolve(&mut self, from: &str, path: &str) -> Result<(String, String), String> {
        let named = Path::new(path);
        let full: PathBuf = if named.is_absolute() {
            named.to_path_buf()
        } else {
            Path::new(from)
                .parent()
                .unwrap_or_else(|| Path::new(""))
                .join(named)
        };
        let text = std::fs::read_to_string(&full)
            .map_err(|error| format!("cannot read {}: {error}", full.display()))?;
        Ok((full.display().to_string(), text))
    }
}
