package dev.sluice.analyze.risk;

import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.sluice.events.Payloads.Decision;

/**
 * One reason a change is risky. {@code weight} is the points it adds to the risk score; {@code forces} is
 * the decision it imposes whatever the score says (a secret rejects, an oversized change asks for review),
 * or null when only its weight counts. {@code cappedFrom} is the full weight of a factor that counts less
 * because its group reached its cap (risky paths together add at most 40), null otherwise.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RiskFactor(String id, int weight, String message, List<Evidence> evidence, Decision forces,
        Integer cappedFrom) {

    public RiskFactor(String id, int weight, String message, List<Evidence> evidence, Decision forces) {
        this(id, weight, message, evidence, forces, null);
    }

    /** This factor counting {@code points} of its weight because a cap was reached; the message says why. */
    public RiskFactor capped(int points, String why) {
        return new RiskFactor(id, points, message + " (counts " + points + " of " + weight + ": " + why + ")", evidence,
                forces, weight);
    }

    /** Where a factor was seen; {@code line} is null when the whole file is the evidence. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Evidence(String file, Integer line) {
    }

    /** Factors that force a decision first (the harsher first), then the heaviest, then by id: a stable order. */
    public static final Comparator<RiskFactor> MOST_DECISIVE_FIRST = Comparator
            .comparingInt((RiskFactor f) -> f.forces() == null ? -1 : f.forces().ordinal()).reversed()
            .thenComparing(Comparator.comparingInt(RiskFactor::weight).reversed())
            .thenComparing(RiskFactor::id);
}
