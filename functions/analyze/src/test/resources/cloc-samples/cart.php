<?php
# Cart, written for the cloc agreement test.
// a line comment
/* a block
   comment */
function total(array $items): int {
    $url = "http://example.com"; // trailing
    return array_sum($items); # hash comment
}
