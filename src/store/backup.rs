//! Consistent copies of a live database.

use crate::error::{Error, Result};
use rusqlite::Connection;
use std::path::Path;

/// Writes a consistent, compacted copy of the database `conn` reads to
/// `target` (which must not exist). `VACUUM INTO` runs inside one read
/// transaction: in WAL mode it never blocks the writer.
pub fn copy_to(conn: &Connection, target: &Path) -> Result<()> {
    if target.exists() {
        return Err(Error::bad_request(format!("{} already exists; choose a new file", target.display())));
    }
    let target_text = target.to_str().ok_or_else(|| Error::bad_request("the backup path must be valid UTF-8"))?;
    conn.execute("VACUUM INTO ?1", [target_text])?;
    Ok(())
}
