package dev.sluice.route.dashboard;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import dev.sluice.route.api.RunView;
import dev.sluice.run.RunState;

/** One page of the runs list, with the filters it was asked for. */
record RunsPage(List<RunView> items, int page, int size, long total, String repository, String branch, String state) {

    public List<String> states() {
        return Arrays.stream(RunState.values()).map(Enum::name).toList();
    }

    public boolean hasPrevious() {
        return page > 0;
    }

    public boolean hasNext() {
        return (long) (page + 1) * size < total;
    }

    public int pages() {
        return (int) Math.max(1, (total + size - 1) / size);
    }

    /** The query string of this list's filters at another page, for links and for the live refresh of its rows. */
    public String queryAt(int at) {
        StringBuilder q = new StringBuilder("page=").append(at).append("&size=").append(size);
        add(q, "repository", repository);
        add(q, "branch", branch);
        add(q, "state", state);
        return q.toString();
    }

    public String query() {
        return queryAt(page);
    }

    private static void add(StringBuilder q, String name, String value) {
        if (value != null && !value.isBlank()) {
            q.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
