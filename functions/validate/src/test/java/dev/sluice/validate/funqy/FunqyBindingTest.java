package dev.sluice.validate.funqy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import dev.sluice.events.EventTypes;
import dev.sluice.testing.PostgresTestResource;

/**
 * validate's CloudEvents ingress is Funqy's ({@code ValidateFunction}); these pin the design contract on it: what Funqy
 * would answer with a bodiless 404/406/409/500 gets a JSON 400 naming the problem, every attribute and extension reaches
 * the handler, the reply keeps the request's mode and a redelivery gets the very same reply.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class FunqyBindingTest {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static String structured(String id, String type, String extra, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"source\":\"/test\"" + extra
                + (data == null ? "" : ",\"datacontenttype\":\"application/json\",\"data\":" + data) + "}";
    }

    @Test
    void binaryModePassesEveryExtensionToTheHandlerAndRepliesInBinaryMode() {
        Response r = given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", EchoHandler.TYPE).header("ce-source", "/test").header("ce-subject", "s-1")
                .header("ce-traceparent", TRACEPARENT).header("ce-knativebrokerttl", "255").header("ce-attempt", "2")
                .body("{\"a\":1}").post("/");
        r.then().statusCode(200).contentType(ContentType.JSON).header("ce-type", EchoHandler.TYPE + "ed")
                .header("ce-source", "/sluice/echo").header("ce-id", notNullValue()).header("ce-sluiceproof", notNullValue())
                .body("subject", is("s-1")).body("data", is("{\"a\":1}"))
                .body("extensions.traceparent", is("String:" + TRACEPARENT))
                .body("extensions.knativebrokerttl", is("String:255")).body("extensions.attempt", is("String:2"));
    }

    @Test
    void structuredModeKeepsNumberAndTextExtensionsAndRepliesStructured() {
        String body = structured(UUID.randomUUID().toString(), EchoHandler.TYPE,
                ",\"traceparent\":\"" + TRACEPARENT + "\",\"integer\":42,\"flag\":true", "{\"b\":[1,2]}");
        given().contentType("application/cloudevents+json").body(body).post("/").then().statusCode(200)
                .contentType(containsString("application/cloudevents+json"))
                .body("specversion", is("1.0")).body("type", is(EchoHandler.TYPE + "ed")).body("sluiceproof", notNullValue())
                .body("data.extensions.traceparent", is("String:" + TRACEPARENT))
                .body("data.extensions.integer", is("Integer:42")).body("data.extensions.flag", is("Boolean:true"))
                .body("data.data", is("{\"b\":[1,2]}")).body("data.datacontenttype", is("application/json"));
    }

    @Test
    void aRedeliveryGetsTheVerySameReplyInEitherMode() {
        String id = UUID.randomUUID().toString();
        String body = structured(id, EchoHandler.TYPE, "", "{}");
        String first = given().contentType("application/cloudevents+json").body(body).post("/").then().statusCode(200).extract().asString();
        String second = given().contentType("application/cloudevents+json").body(body).post("/").then().statusCode(200).extract().asString();
        assertThat(second).isEqualTo(first).contains("\"id\"");
        Response binary = given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", id)
                .header("ce-type", EchoHandler.TYPE).header("ce-source", "/test").body("{}").post("/");
        binary.then().statusCode(200);
        assertThat(binary.header("ce-id")).isEqualTo(given().contentType("application/cloudevents+json").body(body).post("/")
                .then().extract().path("id").toString());
    }

    @Test
    void aBinaryEventWithoutContentTypeOrWithTextDataReachesTheHandler() {
        given().header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString()).header("ce-type", EchoHandler.TYPE)
                .header("ce-source", "/test").post("/").then().log().ifValidationFails().statusCode(200).body("data", nullValue());
        given().contentType("text/plain").header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", EchoHandler.TYPE).header("ce-source", "/test").body("plain words").post("/")
                .then().log().ifValidationFails().statusCode(200).body("data", is("plain words")).body("datacontenttype", startsWith("text/plain"));
    }

    @Test
    void whatFunqyWouldAnswerWithoutABodyIsA400NamingTheProblem() {
        // an unknown type: Funqy's 404
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", "1").header("ce-type", "dev.sluice.nope")
                .header("ce-source", "/test").body("{}").post("/").then().statusCode(400).contentType(ContentType.JSON)
                .body("error", containsString("unknown event type 'dev.sluice.nope'"))
                .body("accepted", hasItem(EventTypes.VALIDATION_REQUESTED));
        given().contentType("application/cloudevents+json").body(structured("1", "dev.sluice.nope", "", "{}")).post("/")
                .then().statusCode(400).body("error", containsString("unknown event type"));
        // batch mode: Funqy's 406
        given().contentType("application/cloudevents-batch+json").body("[" + structured("1", EchoHandler.TYPE, "", "{}") + "]")
                .post("/").then().statusCode(400).contentType(ContentType.JSON).body("error", containsString("batch mode"));
        // data that does not parse
        given().contentType("application/cloudevents+json").body("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"" + EchoHandler.TYPE
                + "\",\"source\":\"/t\",\"data\":{").post("/").then().statusCode(400).contentType(ContentType.JSON)
                .body("error", containsString("not a valid CloudEvent"));
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", "1").header("ce-type", EventTypes.VALIDATION_REQUESTED)
                .header("ce-source", "/test").body("{nope").post("/").then().statusCode(400).contentType(ContentType.JSON)
                .body("error", containsString("not valid JSON"));
        // a missing attribute, no CloudEvent at all
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", "1").header("ce-source", "/test")
                .body("{}").post("/").then().statusCode(400).body("error", containsString("'type'"));
        given().contentType("application/json").body("{}").post("/").then().statusCode(400).body("error", containsString("not a CloudEvent"));
        // a structured event Funqy would read in another mode
        given().contentType("Application/CloudEvents+JSON").body(structured("1", EchoHandler.TYPE, "", "{}")).post("/")
                .then().statusCode(400).contentType(ContentType.JSON).body("error", not(emptyOrNullString()));
        given().contentType("application/cloudevents+json").header("ce-id", "2").body(structured("1", EchoHandler.TYPE, "", "{}"))
                .post("/").then().statusCode(400).body("field", is("ce-id"));
    }

    @Test
    void onlyPostIsServedAndFunqysOwnPathsAreNotSluicesApi() {
        given().get("/").then().statusCode(405).contentType(ContentType.JSON).header("Allow", "POST").body("status", is(405));
        given().put("/fn/validate").then().statusCode(405).contentType(ContentType.JSON);
        given().contentType("application/json").body("{}").post("/validate-requested").then().statusCode(404)
                .contentType(ContentType.JSON).body("error", containsString("nothing here"));
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", "1").header("ce-type", EchoHandler.TYPE)
                .header("ce-source", "/test").body("{}").post("/echo").then().statusCode(404).contentType(ContentType.JSON);
    }

    @Test
    void aFunctionsOwnPathTakesOnlyItsTypes() {
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", EchoHandler.TYPE).header("ce-source", "/test").body("{}").post("/fn/echo")
                .then().statusCode(200).header("ce-type", EchoHandler.TYPE + "ed");
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", EchoHandler.TYPE).header("ce-source", "/test").body("{}").post("/fn/validate")
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("error", containsString("unknown event type '" + EchoHandler.TYPE + "' for function validate"))
                .body("accepted", contains(EventTypes.TESTS_CHECK, EventTypes.TESTS_REQUESTED, EventTypes.VALIDATION_REQUESTED));
    }
}
