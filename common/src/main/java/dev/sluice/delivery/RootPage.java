package dev.sluice.delivery;

/**
 * Marks the bean that serves {@code GET /} in a function that has pages (route's dashboard). {@code /} is also the
 * CloudEvents ingress, which takes POST only, and Funqy's: {@link EventGate} reroutes a GET or HEAD of {@code /} to
 * {@link #PATH}, which that bean serves too, when the application has one, and answers 405 otherwise.
 */
public interface RootPage {
    /** Where the root page is served besides {@code /}. */
    String PATH = "/ui";
}
