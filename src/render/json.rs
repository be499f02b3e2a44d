//! The JSON format: the document itself, serialized by serde — every row,
//! whatever `--top` says (`--top` shapes only the text formats).

use serde::Serialize;

/// The document as pretty-printed JSON with a final newline.
pub fn render<D: Serialize>(doc: &D) -> serde_json::Result<String> {
    Ok(serde_json::to_string_pretty(doc)? + "\n")
}
