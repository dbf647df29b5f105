package shop;

/**
 * Money, written for the cloc agreement test.
 */
public record Money(long cents) {
    static final String GLOB = "src/**/*"; // a path glob in a string
    static final String END = "*/";
    // a line comment
    long doubled() { return cents * 2; } /* inline */
}
