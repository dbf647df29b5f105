package dev.sluice.analyze.lines;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How cloc 1.96 names a file's language ({@code classify_file}): a known file name ({@code %Language_by_File}), then
 * the longest of its triple, double and single extensions that cloc knows ({@code %Language_by_Extension}, case
 * sensitive, as on Linux), ambiguous extensions decided by content as cloc's point counters do ({@code .m},
 * {@code .pl}, {@code .fs}, {@code .ts}, {@code pom.xml}), then a {@code Dockerfile.*} prefix, then the first
 * line ({@code #!} interpreter, or {@code <?xml}). The tables below are cloc's own, cut to the labels analyze counts
 * (copied whole from cloc 1.96's source by a script: a name cloc gives a language analyze does not count stays that
 * language, uncounted, as in cloc).
 */
final class ClocNames {
    private ClocNames() {
    }

    static final String AMBIGUOUS_M = "MATLAB/Mathematica/Objective-C/MUMPS/Mercury";
    static final String AMBIGUOUS_PL = "Perl/Prolog";
    static final String AMBIGUOUS_FS = "F#/Forth";
    static final String AMBIGUOUS_TS = "TypeScript/Qt Linguist";
    static final String AMBIGUOUS_POM = "Maven/XML";
    static final String AMBIGUOUS_CS = "C#/Smalltalk";

    static final Map<String, String> BY_EXTENSION = new HashMap<>();
    static final Map<String, String> BY_FILE = new HashMap<>();

    /** cloc's %Not_Code_Extension: a file with one of these is never counted. */
    static final Set<String> NOT_CODE_EXTENSION = Set.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "ad", "afm", "arc",
            "arj", "au", "bak", "bdf", "bmp", "bz2", "csv", "desktop", "dic", "doc", "elc", "eps", "fig", "gif", "gz", "h5", "hdf",
            "in", "jpg", "kdelnk", "man", "mf", "mp3", "n", "o", "o.cmd", "pbm", "pdf", "pfb", "png", "ppt", "pptx", "ps", "sgm",
            "sgml", "so", "Tag", "tfm", "tgz", "tiff", "tsv", "vf", "wav", "xbm", "xls", "xlsx", "xpm", "Y", "Z", "zip",
            "gitignore");
    /** cloc's %Not_Code_Filename. */
    static final Set<String> NOT_CODE_FILE = Set.of("AUTHORS", "BUGS", "Changelog", "ChangeLog", "Changes", "CHANGES", "COPYING",
            "DESCRIPTION", ".cvsignore", "Entries", "FAQ", "INSTALL", "MAINTAINERS", "MD5SUMS", "NAMESPACE", "NEWS", "readme",
            "Readme", "README", "README.tk", "Repository", "Root", "TODO");
    /** cloc's %Language_by_Script, cut to the labels analyze counts. */
    static final Map<String, String> BY_SCRIPT = Map.ofEntries(Map.entry("bash", "Bourne Again Shell"),
            Map.entry("escript", "Erlang"), Map.entry("groovy", "Groovy"), Map.entry("lua", "Lua"), Map.entry("make", "make"),
            Map.entry("perl5", "Perl"), Map.entry("perl", "Perl"), Map.entry("miniperl", "Perl"), Map.entry("php", "PHP"),
            Map.entry("php5", "PHP"), Map.entry("python", "Python"), Map.entry("python2.6", "Python"),
            Map.entry("python2.7", "Python"), Map.entry("python3", "Python"), Map.entry("python3.3", "Python"),
            Map.entry("python3.4", "Python"), Map.entry("python3.5", "Python"), Map.entry("python3.6", "Python"),
            Map.entry("python3.7", "Python"), Map.entry("python3.8", "Python"), Map.entry("ruby", "Ruby"),
            Map.entry("sh", "Bourne Shell"));

    static {
        ext("ABAP", "abap");
        ext("ADSO/IDSM", "adso");
        ext("AMPLE", "ample", "dofile", "startup");
        ext("ANTLR Grammar", "g", "g4");
        ext("APL", "apl", "apla", "aplc", "aplf", "apli", "apln", "aplo", "dyalog", "dyapp", "mipage");
        ext("ASP", "asa", "ashx", "asp", "axd");
        ext("ASP.NET", "asax", "ascx", "asmx", "aspx", "master", "sitemap", "webinfo");
        ext("ActionScript", "as");
        ext("Ada", "ada", "adb", "ads", "pad");
        ext("Agda", "agda", "lagda");
        ext("Ant", "build.xml");
        ext("Apex Trigger", "trigger");
        ext("Arduino Sketch", "ino", "pde");
        ext("AsciiDoc", "adoc", "asciidoc");
        ext("AspectJ", "aj");
        ext("Assembly", "S", "a51", "asm", "nasm", "s");
        ext("AutoHotkey", "ahk", "ahkl");
        ext("Bazel", "BUILD");
        ext("BizTalk Orchestration", "odx");
        ext("BizTalk Pipeline", "btp");
        ext("Blade", "blade", "blade.php");
        ext("Bourne Again Shell", "bash");
        ext("Bourne Shell", "sh");
        ext("Brainfuck", "b", "bf");
        ext("BrightScript", "brs");
        ext("C", "c", "cats", "ec", "idc", "pgc");
        ext("C Shell", "csh", "tcsh");
        ext("C# Designer", "designer.cs");
        ext("C#/Smalltalk", "cs");
        ext("C++", "C", "CPP", "c++", "cc", "cpp", "cxx", "h++", "inl", "ipp", "pcc", "tcc", "tpp");
        ext("C/C++ Header", "H", "h", "hh", "hpp", "hxx");
        ext("CCS", "ccs");
        ext("CMake", "CMakeLists.txt", "cmake", "cmake.in");
        ext("COBOL", "CBL", "COB", "cbl", "ccp", "cob", "cobol", "cpy");
        ext("CSON", "cson");
        ext("CSS", "css");
        ext("CSV", "csv");
        ext("CUDA", "cu", "cuh");
        ext("Cairo", "cairo");
        ext("Cake Build Script", "cake");
        ext("Carbon", "carbon");
        ext("Chapel", "chpl");
        ext("Circom", "circom");
        ext("Clean", "dcl", "icl");
        ext("Clojure", "boot", "cl2", "clj", "cljs.hl", "cljscm", "cljx", "hic", "riemann.config");
        ext("ClojureC", "cljc");
        ext("ClojureScript", "cljs");
        ext("CoffeeScript", "_coffee", "cakefile", "cjsx", "coffee", "iced");
        ext("ColdFusion", "cfm", "cfml");
        ext("ColdFusion CFScript", "cfc");
        ext("Containerfile", "Containerfile");
        ext("Crystal", "cr");
        ext("Cucumber", "feature");
        ext("Cython", "pxd", "pxi", "pyx");
        ext("D/dtrace", "d");
        ext("DAL", "da");
        ext("DIET", "dt");
        ext("DITA", "dita");
        ext("DOORS Extension Language", "dxl");
        ext("DOS Batch", "BAT", "BTM", "CMD", "bat", "btm", "cmd");
        ext("DTD", "dtd");
        ext("Dart", "dart");
        ext("Delphi Form", "dfm");
        ext("DenizenScript", "dsc");
        ext("Derw", "derw");
        ext("Dockerfile", "Dockerfile", "dockerfile");
        ext("Drools", "drl");
        ext("ECPP", "ecpp");
        ext("EEx", "eex");
        ext("EJS", "ejs");
        ext("ERB", "ERB", "erb");
        ext("Elixir", "ex", "exs");
        ext("Elm", "elm");
        ext("Embedded Crystal", "ecr");
        ext("Erlang", "app.src", "emakefile", "erl", "hrl", "rebar.config", "rebar.config.lock", "rebar.lock", "xrl",
                "yrl");
        ext("Expect", "exp");
        ext("F#", "fsi");
        ext("F# Script", "fsx");
        ext("F#/Forth", "fs");
        ext("FXML", "fxml");
        ext("Fennel", "fnl");
        ext("Finite State Language", "fsl", "jssm");
        ext("Fish Shell", "fish");
        ext("Flatbuffers", "fbs");
        ext("Focus", "focexec");
        ext("Forth", "4th", "e4", "f83", "fb", "forth", "fpm", "fr", "frt", "ft", "fth", "rx");
        ext("Fortran 77", "F", "F77", "FOR", "FTN", "f77", "ftn", "pfo");
        ext("Fortran 77/Forth", "f", "for");
        ext("Fortran 90", "F90", "f90");
        ext("Fortran 95", "F95", "f95");
        ext("Freemarker Template", "ftl");
        ext("Futhark", "fut");
        ext("GDScript", "gd");
        ext("GLSL", "comp", "fp", "frag", "frg", "fsh", "fshader", "geo", "geom", "glsl", "glslv", "gshader", "tesc",
                "tese", "vert", "vrx", "vsh", "vshader");
        ext("Gencat NLS", "msg");
        ext("Glade", "glade");
        ext("Gleam", "gleam");
        ext("Go", "go");
        ext("Godot Resource", "tres");
        ext("Godot Scene", "tscn");
        ext("Godot Shaders", "gdshader");
        ext("Gradle", "gradle", "gradle.kts");
        ext("Grails", "gsp");
        ext("GraphQL", "gql", "graphql", "graphqls");
        ext("Groovy", "gant", "groovy", "grt", "gtpl", "gvy", "jenkinsfile");
        ext("HCL", "hcl", "nomad", "tf", "tfvars");
        ext("HLSL", "cg", "cginc", "fxh", "hlsl", "hlsli", "shader");
        ext("HTML", "htm", "html", "html.hl", "xht");
        ext("HTML EEx", "heex");
        ext("Haml", "haml", "haml.deface");
        ext("Handlebars", "handlebars", "hbs");
        ext("Harbour", "hb");
        ext("Haskell", "hs", "hsc", "lhs");
        ext("Haxe", "hx", "hxsl");
        ext("HolyC", "HC");
        ext("Hoon", "hoon");
        ext("IDL", "dlm", "idl");
        ext("IDL/Qt Project/Prolog/ProGuard", "pro");
        ext("INI", "buildozer.spec", "ini", "lektorproject", "prefs");
        ext("IPL", "ipl");
        ext("Idris", "idr");
        ext("Igor Pro", "ipf");
        ext("Imba", "imba");
        ext("InstallShield", "ism");
        ext("JCL", "jcl");
        ext("JSON", "arcconfig", "avsc", "composer.lock", "geojson", "gltf", "har", "htmlhintrc", "json",
                "json-tmlanguage", "jsonl", "mcmeta", "mcmod.info", "tern-config", "tern-project", "tfstate",
                "tfstate.backup", "topojson", "watchmanconfig", "webapp", "webmanifest", "yyp");
        ext("JSON5", "json5");
        ext("JSP", "jsp", "jspf");
        ext("JSX", "jsx");
        ext("Java", "java");
        ext("JavaScript", "_js", "bones", "cjs", "es6", "jake", "jakefile", "js", "jsb", "jscad", "jsfl", "jsm", "jss",
                "mjs", "njs", "pac", "sjs", "ssjs", "xsjs", "xsjslib");
        ext("JavaServer Faces", "jsf");
        ext("Jinja Template", "jinja", "jinja2");
        ext("Juniper Junos", "junos");
        ext("Jupyter Notebook", "ipynb");
        ext("Kermit", "ksc");
        ext("Korn Shell", "ksh");
        ext("Kotlin", "kt", "ktm", "kts");
        ext("LESS", "less");
        ext("LFE", "lfe");
        ext("LLVM IR", "ll");
        ext("Lean", "hlean", "lean");
        ext("Lem", "lem");
        ext("Lisp", "asd", "el", "lisp", "lsp");
        ext("Lisp/Julia", "jl");
        ext("Lisp/OpenCL", "cl");
        ext("Literate Idris", "lidr");
        ext("LiveLink OScript", "oscript");
        ext("Logos", "x", "xm");
        ext("Logtalk", "lgt", "logtalk");
        ext("Lua", "lua", "nse", "p8", "pd_lua", "rbxs", "wlua");
        ext("MATLAB/Mathematica/Objective-C/MUMPS/Mercury", "m");
        ext("MSBuild script", "btproj", "csproj", "msbuild", "vcproj", "wdproj", "wixproj");
        ext("MUMPS", "mps");
        ext("MXML", "mxml");
        ext("Mako", "mako", "mao");
        ext("Markdown", "contents.lr", "markdown", "md", "mdown", "mdwn", "mdx", "mkd", "mkdn", "mkdown", "ronn",
                "workbook");
        ext("Mathematica", "cdf", "ma", "mathematica", "mt", "nbp", "wl", "wlt");
        ext("Maven", "pom", "pom.xml");
        ext("Meson", "meson.build");
        ext("Metal", "metal");
        ext("Modula3", "i3", "ig", "m3", "mg");
        ext("Mojo", "mojom");
        ext("Mustache", "mustache");
        ext("NASTRAN DMAP", "dmap");
        ext("NAnt script", "build");
        ext("Nemerle", "n");
        ext("Nim", "nim", "nim.cfg", "nimble", "nimrod", "nims");
        ext("Nix", "nix");
        ext("Nunjucks", "njk");
        ext("OCaml", "eliom", "eliomi", "ml", "ml4", "mli", "mll", "mly");
        ext("Objective-C++", "mm");
        ext("Odin", "odin");
        ext("OpenSCAD", "scad");
        ext("Oracle Forms", "fmt");
        ext("Oracle PL/SQL", "bod", "fnc", "prc", "spc", "trg");
        ext("Oracle Reports", "rex");
        ext("P4", "p4");
        ext("PEG", "peg");
        ext("PHP", "aw", "ctp", "phakefile", "php", "php3", "php4", "php5", "php_cs", "php_cs.dist", "phps", "phpt",
                "phtml");
        ext("PHP/Pascal", "inc");
        ext("PL/I", "pl1");
        ext("PL/M", "lit", "plm");
        ext("PO File", "po");
        ext("Pascal", "dpr", "lpr", "p", "pas", "pascal");
        ext("Pascal/Puppet", "pp");
        ext("Patran Command Language", "pcl", "ses");
        ext("Perl", "ack", "al", "cpanfile", "makefile.pl", "perl", "ph", "plh", "plx", "pm", "psgi", "rexfile");
        ext("Perl/Prolog", "PL", "pl");
        ext("Pest", "pest");
        ext("Pig Latin", "pig");
        ext("PlantUML", "puml");
        ext("Pony", "pony");
        ext("PowerBuilder", "pbt", "sra", "srf", "srm", "srs", "sru", "srw");
        ext("PowerShell", "ps1", "psd1", "psm1");
        ext("Prolog", "P", "prolog", "yap");
        ext("Properties", "properties");
        ext("Protocol Buffers", "proto");
        ext("Pug", "jade", "pug");
        ext("PureScript", "purs");
        ext("Python", "buck", "build.bazel", "gclient", "gyp", "gypi", "lmi", "py", "py3", "pyde", "pyi", "pyp", "pyt",
                "pyw", "sconscript", "sconstruct", "snakefile", "tac", "workspace", "wscript", "wsgi", "xpy");
        ext("QML", "qbs", "qml");
        ext("Qt/Glade", "ui");
        ext("R", "R", "expr-dist", "r", "rd", "rprofile", "rsx");
        ext("RAML", "raml");
        ext("Racket", "rkt", "rktd", "rktl", "scrbl");
        ext("Raku", "pm6", "raku", "rakumod");
        ext("Raku/Prolog", "P6", "p6");
        ext("RapydScript", "pyj");
        ext("Razor", "cshtml", "razor");
        ext("ReScript", "res", "resi");
        ext("ReasonML", "re", "rei");
        ext("Rexx", "pprx", "rexx");
        ext("Ring", "rform", "rh", "ring");
        ext("Rmd", "Rmd");
        ext("RobotFramework", "robot");
        ext("Ruby", "appraisals", "berksfile", "brewfile", "builder", "buildfile", "capfile", "dangerfile",
                "deliverfile", "eye", "fastfile", "gemfile", "gemfile.lock", "gemspec", "god", "guardfile", "irbrc",
                "jarfile", "jbuilder", "mavenfile", "mspec", "podfile", "podspec", "pryrc", "puppetfile", "rabl",
                "rake", "rb", "rbuild", "rbw", "rbx", "ru", "snapfile", "thor", "thorfile", "vagrantfile", "watchr");
        ext("Ruby HTML", "rhtml");
        ext("Rust", "rs", "rs.in");
        ext("SAS", "sas");
        ext("SCSS", "scss");
        ext("SKILL", "il");
        ext("SKILL++", "ils");
        ext("SQL", "SQL", "cql", "mysql", "psql", "sql", "tab", "udf", "viw");
        ext("SQL Data", "data.sql");
        ext("SQL Stored Procedure", "spc.sql", "spoc.sql", "sproc.sql", "udf.sql");
        ext("SVG", "SVG", "svg");
        ext("SWIG", "i");
        ext("Sass", "sass");
        ext("Scala", "kojo", "sbt", "scala");
        ext("Scheme", "sc", "sch", "scm", "sld", "sps", "ss");
        ext("Scheme/SaltStack", "sls");
        ext("Slice", "ice");
        ext("Slim", "slim");
        ext("Smalltalk", "st");
        ext("Smarty", "smarty", "tpl");
        ext("Softbridge Basic", "SBL", "sbl");
        ext("Solidity", "sol");
        ext("SparForte", "sp");
        ext("Specman e", "e");
        ext("Squirrel", "nut");
        ext("Standard ML", "fun", "sig", "sml");
        ext("Starlark", "bazel", "bzl");
        ext("Stata", "DO", "ado", "do", "doh", "ihlp", "mata", "matah", "sthlp");
        ext("Stylus", "styl");
        ext("SugarSS", "sss");
        ext("Svelte", "svelte");
        ext("Swift", "swift");
        ext("TEAL", "teal");
        ext("TITAN Project File Information", "tpd");
        ext("TNSDL", "cii", "cin", "in1", "in2", "in3", "in4", "inf", "interface", "rou", "sdl", "sdt", "spd", "ssc",
                "sst");
        ext("TOML", "toml");
        ext("TTCN", "ttcn", "ttcn2", "ttcn3", "ttcnpp");
        ext("TableGen", "td");
        ext("Tcl/Tk", "itk", "tcl", "tk");
        ext("TeX", "aux", "bbx", "bib", "bst", "cbx", "dtx", "ins", "lbx", "ltx", "mkii", "mkiv", "mkvi", "sty",
                "tex");
        ext("Teamcenter met", "met");
        ext("Teamcenter mth", "mth");
        ext("Text", "text", "txt");
        ext("Thrift", "thrift");
        ext("Titanium Style Sheet", "tss");
        ext("Twig", "twig");
        ext("TypeScript", "tsx");
        ext("TypeScript/Qt Linguist", "ts");
        ext("Umka", "um");
        ext("Unity-Prefab", "mat", "prefab");
        ext("VB for Applications", "VBA", "vba");
        ext("VHDL", "VHD", "VHDL", "vhd", "vhdl", "vhf", "vhi", "vho", "vhs", "vht", "vhw");
        ext("Vala", "vala");
        ext("Vala Header", "vapi");
        ext("Velocity Template Language", "vm");
        ext("Verilog-SystemVerilog", "sv", "svh");
        ext("Verilog-SystemVerilog/Coq", "v");
        ext("Visual Basic", "BAS", "FRX", "VBHTML", "bas", "ctl", "dsr", "frm", "frx", "vbhtml", "vbp", "vbw");
        ext("Visual Basic .NET", "VB", "vb", "vbproj");
        ext("Visual Basic Script", "VBS", "vbs");
        ext("Visual Basic/TeX/Apex Class", "cls");
        ext("Visual Fox Pro", "SCA", "sca");
        ext("Visual Studio Module", "ixx");
        ext("Visual Studio Solution", "sln");
        ext("Visualforce Component", "component");
        ext("Visualforce Page", "page");
        ext("Vuejs Component", "vue");
        ext("WGSL", "wgsl");
        ext("WXML", "wxml");
        ext("WXSS", "wxss");
        ext("Web Services Description", "wsdl");
        ext("WebAssembly", "wast", "wat");
        ext("WiX include", "wxi");
        ext("WiX source", "wxs");
        ext("WiX string localization", "wxl");
        ext("Windows Message File", "mc");
        ext("Windows Module Definition", "def");
        ext("Windows Resource File", "rc", "rc2");
        ext("X++", "xpo");
        ext("XAML", "xaml");
        ext("XHTML", "xhtml");
        ext("XMI", "XMI", "xmi");
        ext("XML", "XML", "adml", "admx", "ant", "app.config", "axml", "builds", "ccproj", "ccxml", "classpath",
                "clixml", "cproject", "cscfg", "csdef", "csl", "ct", "depproj", "ditamap", "ditaval", "dll.config",
                "dotsettings", "filters", "fsproj", "gmx", "grxml", "iml", "ivy", "jelly", "jsproj", "kml", "launch",
                "mdpolicy", "mjml", "natvis", "ndproj", "nproj", "nuget.config", "nuspec", "odd", "osm",
                "packages.config", "pkgproj", "plist", "proj", "project", "props", "ps1xml", "psc1", "pt", "rdf",
                "resx", "rss", "scxml", "settings.stylecop", "sfproj", "shproj", "srdf", "storyboard", "sttheme",
                "sublime-snippet", "targets", "tmcommand", "tml", "tmlanguage", "tmpreferences", "tmsnippet",
                "tmtheme", "urdf", "ux", "vcxproj", "vsixmanifest", "vssettings", "vstemplate", "vxml", "web.config",
                "web.debug.config", "web.release.config", "wsf", "x3d", "xacro", "xib", "xlf", "xliff", "xml",
                "xml.dist", "xproj", "xspec", "xul", "zcml");
        ext("XQuery", "xq", "xql", "xqm", "xquery", "xqy");
        ext("XSD", "XSD", "xsd");
        ext("XSLT", "XSL", "XSLT", "xsl", "xslt");
        ext("Xtend", "xtend");
        ext("YAML", "clang-format", "clang-tidy", "gemrc", "glide.lock", "mir", "reek", "rviz", "sublime-syntax",
                "syntax", "yaml", "yaml-tmlanguage", "yml", "yml.mysql");
        ext("Zig", "zig");
        ext("awk", "auk", "awk", "gawk", "mawk", "nawk");
        ext("builder", "xml.builder");
        ext("dhall", "dhall");
        ext("diff", "diff", "patch");
        ext("kvlang", "kv");
        ext("lex", "l", "lex");
        ext("liquid", "liquid");
        ext("m4", "ac", "m4");
        ext("make", "Gnumakefile", "Makefile", "am", "gnumakefile", "makefile", "mk");
        ext("peg.js", "pegjs");
        ext("peggy", "peggy");
        ext("reStructuredText", "rest", "rest.txt", "rst", "rst.txt");
        ext("sed", "sed");
        ext("tspeg", "jspeg", "tspeg");
        ext("vim script", "vim");
        ext("xBase", "prg", "prw");
        ext("xBase Header", "ch");
        ext("yacc", "y", "yacc");
        ext("zsh", "zsh");

        file("Ant/XML", "build.xml");
        file("Bazel", "BUILD", "WORKSPACE");
        file("CMake", "CMakeLists.txt", "cmakelists.txt");
        file("Containerfile", "Containerfile");
        file("Dockerfile", "Dockerfile", "Dockerfile.cmake", "Dockerfile.m4", "dockerfile", "dockerfile.cmake",
                "dockerfile.m4");
        file("Jam", "Jamfile", "Jamrules", "jamfile");
        file("Maven/XML", "pom.xml");
        file("Meson", "meson.build");
        file("Ruby", "Rakefile", "rakefile");
        file("make", "Gnumakefile", "Makefile", "gnumakefile", "makefile");
    }

    private static void ext(String label, String... extensions) {
        for (String e : extensions) {
            BY_EXTENSION.put(e, label);
        }
    }

    private static void file(String label, String... names) {
        for (String n : names) {
            BY_FILE.put(n, label);
        }
    }

    /** What {@link #byName} answers when only the first line can tell (no known extension or name). */
    static final String FIRST_LINE = "(first line)";
    private static final Pattern SINGLE = Pattern.compile("\\.([^.]+)$", Pattern.UNIX_LINES);
    private static final Pattern DOUBLE = Pattern.compile("\\.([^.]+\\.[^.]+)$", Pattern.UNIX_LINES);
    private static final Pattern TRIPLE = Pattern.compile("\\.([^.]+\\.[^.]+\\.[^.]+)$", Pattern.UNIX_LINES);
    private static final Pattern STEM = Pattern.compile("^(.*?)\\.\\S+$", Pattern.UNIX_LINES);

    /**
     * cloc's label for a file from its name: a language, one of the AMBIGUOUS_* labels (its content decides),
     * {@link #FIRST_LINE}, or null (never counted).
     */
    static String byName(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        if (NOT_CODE_FILE.contains(file) || file.endsWith("~")) {
            return null;
        }
        String known = BY_FILE.get(file);
        if (known != null) {
            return known;
        }
        Matcher single = SINGLE.matcher(file);
        if (single.find()) {
            java.util.List<String> extensions = new java.util.ArrayList<>(3);
            Matcher m = TRIPLE.matcher(file);
            if (m.find()) {
                extensions.add(m.group(1));
            }
            m = DOUBLE.matcher(file);
            if (m.find()) {
                extensions.add(m.group(1));
            }
            extensions.add(single.group(1));
            for (String e : extensions) {
                if (NOT_CODE_EXTENSION.contains(e)) {
                    return null;
                }
                String label = BY_EXTENSION.get(e);
                if (label != null) {
                    return label;
                }
            }
            Matcher stem = STEM.matcher(file);
            if (stem.find() && (stem.group(1).equals("Dockerfile") || stem.group(1).equals("Containerfile"))) {
                return stem.group(1);
            }
            return FIRST_LINE;
        }
        known = BY_FILE.get(file.toLowerCase(java.util.Locale.ROOT));
        return known != null ? known : FIRST_LINE;
    }

    /** Whether {@link #byName}'s answer needs the file's content to become a language. */
    static boolean needsContent(String label) {
        return label != null && (label.equals(FIRST_LINE) || label.equals(AMBIGUOUS_M) || label.equals(AMBIGUOUS_PL)
                || label.equals(AMBIGUOUS_FS) || label.equals(AMBIGUOUS_TS) || label.equals(AMBIGUOUS_POM)
                || label.equals(AMBIGUOUS_CS));
    }

    /** The label cloc gives a file whose name needs its content ({@link #needsContent}); null when cloc counts it as nothing. */
    static String byContent(String label, byte[] content) {
        String[] lines = new String(content, StandardCharsets.ISO_8859_1).split("\n", -1);
        return switch (label) {
            case FIRST_LINE -> firstLine(lines.length == 0 ? "" : lines[0]);
            case AMBIGUOUS_M -> matlabOrObjectiveC(lines);
            case AMBIGUOUS_PL -> perlOrProlog(lines);
            case AMBIGUOUS_FS -> forthOrFsharp(lines);
            case AMBIGUOUS_TS -> typescriptOrQtLinguist(lines);
            case AMBIGUOUS_POM -> mavenOrXml(lines);
            case AMBIGUOUS_CS -> csharpOrSmalltalk(lines);
            default -> label;
        };
    }

    private static final Pattern SHEBANG = Pattern.compile("^#!\\s*(\\S.*?)\\r?$", Pattern.UNIX_LINES);
    private static final Pattern XML_DECLARATION = Pattern.compile("<\\?xml\\s", Pattern.UNIX_LINES);

    /** cloc's peek_at_first_line: the {@code #!} interpreter (after {@code env}), else XML for an XML declaration. */
    private static String firstLine(String line) {
        Matcher m = SHEBANG.matcher(line);
        if (m.find()) {
            String[] words = m.group(1).trim().split("\\s+");
            String exe = basename(words[0]);
            if (exe.equals("env") && words.length > 1) {
                exe = words[1];
            }
            String script = BY_SCRIPT.get(exe);
            if (script != null) {
                return script;
            }
        }
        return XML_DECLARATION.matcher(line).find() ? "XML" : null;
    }

    private static String basename(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return p.substring(p.lastIndexOf('/') + 1);
    }

    private static final Map<String, Pattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

    private static boolean has(String regex, String line) {
        return PATTERNS.computeIfAbsent(regex, r -> Pattern.compile(r, Pattern.UNIX_LINES)).matcher(line).find();
    }

    private static final Pattern MUMPS_WORDS = Pattern.compile("^\\s*\\.?(\\w)\\s+(\\w)", Pattern.UNIX_LINES);

    /** cloc's matlab_or_objective_C point counter for {@code .m} files; analyze counts only its Objective-C answer. */
    private static String matlabOrObjectiveC(String[] lines) {
        int matlab = 0, mathematica = 0, objectiveC = 0, mumps = 0, mercury = 0;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (i == lines.length - 1 && l.isEmpty()) {
                break;
            }
            if (i == 0 && has("^[A-Z]", l)) {
                mumps++;
            }
            if (has("^\\s*/\\*", l) || has("^\\s*//", l)) {
                objectiveC += 5;
                matlab -= 5;
            } else if (has("^:-\\s+", l)) {
                mercury = 1000;
                break;
            } else if (has("\\w+\\s*=\\s*\\[", l)) {
                matlab += 5;
            }
            Matcher words = MUMPS_WORDS.matcher(l);
            if (has("\\w+\\[", l)) {
                mathematica += 2;
            } else if (has("^\\s*\\w+\\s*=\\s*", l)) {
                mumps--;
            } else if (words.find() && !Character.isDigit(words.group(1).charAt(0)) && !Character.isDigit(words.group(2).charAt(0))) {
                mumps++;
            } else if (has("^\\s*;", l)) {
                mumps++;
            }
            if (has("^\\s*#(include|import)", l)
                    || has("^\\s*@(interface|implementation|protocol|public|protected|private|end)\\s", l)) {
                objectiveC = 1000;
                matlab = 0;
                break;
            } else if (has("^\\s*BeginPackage", l)) {
                mathematica += 2;
            } else if (has("^\\s*\\[", l)) {
                matlab += 5;
            } else if (has("^\\sK(ill)?\\s+", l)) {
                mumps += 5;
            } else if (has("^\\s*function", l) || has("^\\s*%", l)) {
                objectiveC--;
                matlab++;
            }
        }
        // the highest score wins; a tie goes to the first name in alphabetical order
        String best = "MATLAB";
        int bestPoints = matlab;
        int[] points = { mathematica, mercury, mumps, objectiveC };
        String[] names = { "Mathematica", "Mercury", "MUMPS", "Objective-C" };
        for (int i = 0; i < names.length; i++) {
            if (points[i] > bestPoints || points[i] == bestPoints && names[i].compareTo(best) < 0) {
                best = names[i];
                bestPoints = points[i];
            }
        }
        return best;
    }

    /** cloc's Perl_or_Prolog. */
    private static String perlOrProlog(String[] lines) {
        int perl = 0, prolog = 0;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (i == lines.length - 1 && l.isEmpty()) {
                break;
            }
            if (l.isBlank()) {
                continue;
            }
            if (i == 0 && has("^#!.*?\\bperl", l)) {
                perl = 100;
                break;
            }
            perl += (has("^=(head|over|item|cut)", l) ? 1 : 0) + (has(";\\s*$", l) ? 1 : 0) + (has("(\\{|\\})", l) ? 1 : 0)
                    + (has("^\\s*sub\\s+", l) ? 1 : 0) + (has("\\s*<<'", l) ? 1 : 0) + (has("\\$(\\w+->|[_!])", l) ? 1 : 0);
            prolog += (!has("\\s*#", l) && has("\\.\\s*$", l) ? 1 : 0) + (has(":-", l) ? 1 : 0);
        }
        return perl > prolog ? "Perl" : "Prolog";
    }

    /** cloc's Forth_or_Fsharp. */
    private static String forthOrFsharp(String[] lines) {
        int forth = 0, fsharp = 0;
        for (String l : lines) {
            forth += has("^:\\s", l) ? 1 : 0;
            fsharp += has("^\\s*(#light|import|let|module|namespace|open|type)", l) ? 1 : 0;
        }
        return forth > fsharp ? "Forth" : "F#";
    }

    /** cloc's TypeScript_or_QtLinguist. */
    private static String typescriptOrQtLinguist(String[] lines) {
        int typescript = 0, linguist = 0;
        for (String l : lines) {
            linguist += has("\\b</?(message|source|translation)>", l) ? 1 : 0;
            typescript += (has("^\\s*(var|const|let|class|document)\\b", l) ? 1 : 0) + (has("[;}]\\s*$", l) ? 1 : 0)
                    + (has("^\\s*//", l) ? 1 : 0);
        }
        return typescript >= linguist ? "TypeScript" : "Qt Linguist";
    }

    private static final Pattern GENERATED_CS = Pattern.compile("^//-{70,}.*?//\\s+<auto-generated>", Pattern.UNIX_LINES);

    /** cloc's Csharp_or_Smalltalk for {@code .cs}, and its "C# Generated" (not counted) for a generated file's header. */
    private static String csharpOrSmalltalk(String[] lines) {
        int csharp = 0, smalltalk = 0;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (i == lines.length - 1 && l.isEmpty()) {
                break;
            }
            l = l.replaceFirst("//.*?$", "");
            if (l.isBlank()) {
                continue;
            }
            if (has("[;}{]\\s*$", l)) {
                csharp++;
            } else if (has("^(using|namespace)\\s", l)) {
                csharp += 20;
            } else if (has("^\\s*(public|private|new)\\s", l)) {
                csharp += 20;
            } else if (has("^\\s*\\[assembly:", l)) {
                csharp++;
            }
            if (has("(\\!|\\]\\.)\\s*$", l)) {
                smalltalk++;
                csharp--;
            }
        }
        if (smalltalk > csharp) {
            return "Smalltalk";
        }
        String head = (lines.length > 0 ? lines[0] : "") + (lines.length > 1 ? lines[1] : "");
        return GENERATED_CS.matcher(head).find() ? "C# Generated" : "C#";
    }

    /** cloc's Maven_or_XML for a file named pom.xml. */
    private static String mavenOrXml(String[] lines) {
        int maven = 0, xml = 1;
        for (String l : lines) {
            if (has("^\\s*<project\\s+", l)) {
                maven++;
                xml--;
            }
            if (l.contains("xmlns=\"http://maven.apache.org/POM/")) {
                maven++;
                xml--;
            }
        }
        return xml >= maven ? "XML" : "Maven";
    }
}
