package dev.sluice.analyze.lines;

import java.util.HashMap;
import java.util.Map;

/**
 * The languages whose lines analyze counts, named as cloc 1.96 names them so the two can be compared, with the
 * comment filters cloc applies to each: a fast path of {@link LineCounter} for the common styles, else cloc's filter
 * chain ({@link ClocFilters}). A file's language comes from its name, or its content where cloc reads it
 * ({@link ClocNames}: ambiguous extensions, the first line of a file cloc cannot name).
 */
public enum Language {
    JAVA("Java", Style.JAVA, false, false),
    KOTLIN("Kotlin", Style.C_LIKE, false, false),
    PYTHON("Python", Style.PYTHON, true, true),
    JAVASCRIPT("JavaScript", Style.C_LIKE, false, true),
    TYPESCRIPT("TypeScript", Style.C_LIKE, false, true),
    GO("Go", Style.C_LIKE, false, true),
    RUST("Rust", Style.C_LIKE, false, false),
    C("C", Style.C_LIKE, false, true),
    CPP("C++", Style.C_LIKE, false, true),
    C_HEADER("C/C++ Header", Style.C_LIKE, false, true),
    CSHARP("C#", Style.C_LIKE, false, true),
    RUBY("Ruby", Style.RUBY, true, true),
    PHP("PHP", Style.PHP, true, false),
    SHELL("Bourne Shell", Style.HASH, true, true),
    BASH("Bourne Again Shell", Style.HASH, true, true),
    YAML("YAML", Style.HASH, false, false),
    JSON("JSON", Style.NONE, false, false),
    MARKDOWN("Markdown", Style.MARKDOWN, false, false),
    DOCKERFILE("Dockerfile", Style.HASH, false, false),
    // C and C++ comments only (cloc: call_regexp_common C or C++; rm_comments_in_strings does nothing by default)
    SCALA("Scala", Style.C_LIKE, false, false),
    SWIFT("Swift", Style.C_LIKE, false, true),
    OBJECTIVE_C("Objective-C", Style.C_LIKE, false, true),
    DART("Dart", Style.C_LIKE, false, true),
    PROTOBUF("Protocol Buffers", Style.C_LIKE, false, false),
    SCSS("SCSS", Style.C_LIKE, false, false),
    SASS("Sass", Style.C_LIKE, false, false),
    LESS("LESS", Style.C_LIKE, false, true),
    // '#' lines (cloc: remove_matches ^\s*#; remove_inline does nothing by default)
    R("R", Style.HASH, false, true),
    MAKE("make", Style.HASH, true, true),
    CMAKE("CMake", Style.HASH, false, true),
    TOML("TOML", Style.HASH, false, false),
    // cloc's own filter chains
    CSS("CSS", false, false, ClocFilters.cComments(false)),
    SQL("SQL", false, false, ClocFilters.cComments(false), ClocFilters.matches("^\\s*--")),
    PROPERTIES("Properties", false, false, ClocFilters.matches("^\\s*#"), ClocFilters.matches("^\\s*!")),
    INI("INI", false, false, ClocFilters.matches("^\\s*;")),
    XML("XML", false, false, ClocFilters.htmlComments(), ClocFilters.htmlRegexpCommon()),
    MAVEN("Maven", false, false, ClocFilters.htmlComments(), ClocFilters.htmlRegexpCommon()),
    HTML("HTML", false, false, ClocFilters.htmlComments(), ClocFilters.htmlRegexpCommon()),
    SVELTE("Svelte", false, false, ClocFilters.htmlComments(), ClocFilters.htmlRegexpCommon()),
    VUE("Vuejs Component", false, false, ClocFilters.htmlComments(), ClocFilters.htmlRegexpCommon(),
            ClocFilters.cComments(true, false)),
    GROOVY("Groovy", true, false, ClocFilters.groovyStrings(), ClocFilters.cComments(true)),
    GRADLE("Gradle", false, false, ClocFilters.groovyStrings(), ClocFilters.cComments(true)),
    HCL("HCL", false, false, ClocFilters.matches("^\\s*#"), ClocFilters.cComments(true)),
    LUA("Lua", true, true, ClocFilters.between("--[=====[", "]=====]"), ClocFilters.between("--[====[", "]====]"),
            ClocFilters.between("--[===[", "]===]"), ClocFilters.between("--[==[", "]==]"), ClocFilters.between("--[=[", "]=]"),
            ClocFilters.between("--[[", "]]"), ClocFilters.matches("^\\s*\\-\\-")),
    PERL("Perl", true, false, ClocFilters.below("^__(END|DATA)__"), ClocFilters.matches("^\\s*#"),
            ClocFilters.belowAbove("^=head1", "^=cut")),
    ELIXIR("Elixir", false, false, ClocFilters.matches("^\\s*#"), ClocFilters.elixirDocs(), ClocFilters.cComments(false)),
    ERLANG("Erlang", true, false, ClocFilters.matches("^\\s*%")),
    HASKELL("Haskell", false, false, ClocFilters.haskell()),
    CLOJURE("Clojure", false, false, ClocFilters.matches("^\\s*;"), ClocFilters.matches("^\\s*#_")),
    CLOJURESCRIPT("ClojureScript", false, false, ClocFilters.matches("^\\s*;")),
    FSHARP("F#", false, false, ClocFilters.between("(*", "*)"), ClocFilters.matches("^\\s*//")),
    VB_NET("Visual Basic .NET", false, false, ClocFilters.above("^\\s*Attribute\\s+VB_Name\\s+="),
            ClocFilters.matches("^\\s*Attribute\\s+"), ClocFilters.matches("^\\s*'")),
    POWERSHELL("PowerShell", false, true, ClocFilters.powershellBlocks(), ClocFilters.cComments(false),
            ClocFilters.matches("^\\s*#")),
    DOS_BATCH("DOS Batch", false, false, ClocFilters.matches("^\\s*rem"), ClocFilters.matches("^\\s*::")),
    GRAPHQL("GraphQL", false, false, ClocFilters.matches("^\\s*#"), ClocFilters.docstrings(), ClocFilters.cComments(false)),
    JUPYTER("Jupyter Notebook", false, false, ClocFilters.jupyter(), ClocFilters.matches("^\\s*$"));

    /** How comments are recognised: a fast path for a filter chain many languages share, or cloc's own chain. */
    public enum Style {
        C_LIKE, JAVA, PYTHON, PHP, HASH, RUBY, MARKDOWN, NONE, FILTERS
    }

    public final String label;
    public final Style style;
    /** cloc counts a first {@code #!} line of a script language as code, though it looks like a comment. */
    public final boolean script;
    /** cloc keeps a blank line that follows a line ending in a backslash (a continued line) for these languages. */
    public final boolean continuation;
    /** cloc's filter chain, for {@link Style#FILTERS}. */
    final java.util.List<ClocFilters.Filter> filters;

    Language(String label, Style style, boolean script, boolean continuation) {
        this.label = label;
        this.style = style;
        this.script = script;
        this.continuation = continuation;
        this.filters = java.util.List.of();
    }

    Language(String label, boolean script, boolean continuation, ClocFilters.Filter... filters) {
        this.label = label;
        this.style = Style.FILTERS;
        this.script = script;
        this.continuation = continuation;
        this.filters = java.util.List.of(filters);
    }

    /** Data, markup, styles, schemas, notebooks and build or infrastructure configuration: no tests expected for them. */
    private static final java.util.Set<Language> NOT_PROGRAMMING = java.util.EnumSet.of(YAML, JSON, MARKDOWN, DOCKERFILE, TOML,
            INI, PROPERTIES, XML, MAVEN, HTML, CSS, SCSS, SASS, LESS, SQL, HCL, PROTOBUF, GRAPHQL, JUPYTER, MAKE, CMAKE, GRADLE);

    /** Code in a programming language (not data, docs or build config), which tests are expected to cover. */
    public boolean isProgramming() {
        return !NOT_PROGRAMMING.contains(this);
    }

    private static final Map<String, Language> BY_LABEL = new HashMap<>();

    static {
        for (Language l : values()) {
            BY_LABEL.put(l.label, l);
        }
    }

    /** The language of a file name alone; null when the name does not tell (see {@link #needsContent}) or cloc counts none. */
    public static Language ofName(String path) {
        String label = ClocNames.byName(path);
        return ClocNames.needsContent(label) ? null : ofLabel(label);
    }

    /** Whether only the file's content can tell its language (an ambiguous extension, or a name cloc does not know). */
    public static boolean needsContent(String path) {
        return ClocNames.needsContent(ClocNames.byName(path));
    }

    /** The language of a file from its name and, where cloc reads it, its content; null when cloc counts none. */
    public static Language of(String path, byte[] content) {
        String label = ClocNames.byName(path);
        return ofLabel(ClocNames.needsContent(label) ? ClocNames.byContent(label, content) : label);
    }

    public static Language ofLabel(String label) {
        return label == null ? null : BY_LABEL.get(label);
    }
}
