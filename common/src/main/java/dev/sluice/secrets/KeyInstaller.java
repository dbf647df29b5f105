package dev.sluice.secrets;

/**
 * Puts a function's installation key ({@link InstallationKey}) in use once: at start-up, and again from the first
 * request in case it comes before the start-up event. A subclass says where the key comes from and who uses it.
 */
public abstract class KeyInstaller {
    private volatile boolean installed;

    /** The key: configured, or stored (see {@link InstallationKey#load}). */
    protected abstract byte[] key();

    /** Hands the key to the code that fingerprints with it. */
    protected abstract void use(byte[] key);

    public void install() {
        if (installed) {
            return;
        }
        synchronized (this) {
            if (!installed) {
                use(key());
                installed = true;
            }
        }
    }
}
