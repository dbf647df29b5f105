package dev.sluice.analyze.lines;

/** Files and their code, comment and blank lines, as cloc counts them. */
public record LineCount(long files, long code, long comment, long blank) {
    public static final LineCount NONE = new LineCount(0, 0, 0, 0);

    public LineCount plus(LineCount o) {
        return new LineCount(files + o.files, code + o.code, comment + o.comment, blank + o.blank);
    }

    public long lines() {
        return code + comment + blank;
    }
}
