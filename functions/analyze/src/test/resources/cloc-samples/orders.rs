//! Orders: a small module written for the cloc agreement test.
use std::collections::HashMap;

/* A block comment
   over two lines */
pub struct Orders {
    by_id: HashMap<u64, String>, // trailing comment
}

impl Orders {
    /// Doc comment.
    pub fn new() -> Self {
        let url = "http://example.com/*not a comment*/";
        Orders { by_id: HashMap::new() }
    }
}
