package com.influencegraph.launcher;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/**
 * The write procedures of a run's publication, in the caller's transaction (so the publication's
 * guarantees are those of its Cypher statements, which any other Neo4j runs):
 *
 * - influencegraph.results.lock(ids): the customer lock of a block batch (LOCK_CUSTOMERS in
 *   src/graph/analytics-run.repository.ts), which sets each customer's scoresRunId to itself to hold
 *   its write lock; here the lock is taken without a write (no property record rewritten);
 * - influencegraph.results.block(ref, block): one result block of a pending RunResults from packed
 *   columns, with the properties and types of WRITE_BLOCKS (src/graph/run-results.ts): creates
 *   (res)-[:HAS_BLOCK]->(:RunResultsBlock) under the RunResults whose element id is `ref`, with
 *   runId (the results node's), index, every array of `block` and firstId/lastId, the smallest and
 *   largest customer id (by UTF-16 code unit, as Cypher's `<` compares strings: a test writes ids
 *   that code point order would put the other way).
 *
 * `block` is a map: index; floats, a map of array name to little-endian float64 values in base64
 * (written as float arrays); ints, name to little-endian int32 values in base64 (written as integer
 * arrays, as Cypher stores integers); texts, name to a map of text (the values joined) and lengths
 * (int32 in base64, one per value, in UTF-16 units) (written as string arrays). customerIds must be
 * among the texts. A Cypher map of a thousand customers' lists costs the database about 0.6 µs a
 * value to take apart; these columns are decoded in one pass each.
 */
public final class PublicationProcedures {

    private static final Label BLOCK = Label.label("RunResultsBlock");
    private static final Label RESULTS = Label.label("RunResults");
    private static final Label CUSTOMER = Label.label("Customer");
    private static final RelationshipType HAS_BLOCK = RelationshipType.withName("HAS_BLOCK");

    @Context
    public Transaction tx;

    /** What the procedure yields: the customers written. */
    public static final class Written {
        public long customers;

        Written(long customers) {
            this.customers = customers;
        }
    }

    @Procedure(name = "influencegraph.results.block", mode = Mode.WRITE)
    @Description("Writes one RunResultsBlock under the RunResults whose element id is `ref`, from packed columns"
            + " (block: index; floats, ints and texts maps of array name to packed values; see the class comment).")
    public java.util.stream.Stream<Written> block(@Name("ref") String ref, @Name("block") Map<String, Object> block) {
        Node results = tx.getNodeByElementId(ref);
        if (!results.hasLabel(RESULTS)) {
            throw new IllegalArgumentException("not a RunResults node: " + ref);
        }
        Node b = tx.createNode(BLOCK);
        results.createRelationshipTo(b, HAS_BLOCK);
        b.setProperty("runId", results.getProperty("runId"));
        b.setProperty("index", ((Number) block.get("index")).longValue());
        Base64.Decoder base64 = Base64.getDecoder();
        for (Map.Entry<String, Object> e : columns(block, "floats").entrySet()) {
            ByteBuffer bytes = ByteBuffer.wrap(base64.decode((String) e.getValue())).order(ByteOrder.LITTLE_ENDIAN);
            double[] values = new double[bytes.remaining() / 8];
            bytes.asDoubleBuffer().get(values);
            b.setProperty(e.getKey(), values);
        }
        for (Map.Entry<String, Object> e : columns(block, "ints").entrySet()) {
            b.setProperty(e.getKey(), longs(base64.decode((String) e.getValue())));
        }
        String[] ids = null;
        for (Map.Entry<String, Object> e : columns(block, "texts").entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> column = (Map<String, Object>) e.getValue();
            String text = (String) column.get("text");
            long[] lengths = longs(base64.decode((String) column.get("lengths")));
            String[] values = new String[lengths.length];
            int at = 0;
            for (int i = 0; i < lengths.length; i++) {
                values[i] = text.substring(at, at + (int) lengths[i]);
                at += (int) lengths[i];
            }
            b.setProperty(e.getKey(), values);
            if (e.getKey().equals("customerIds")) {
                ids = values;
            }
        }
        if (ids == null || ids.length == 0) {
            throw new IllegalArgumentException("a block needs customerIds");
        }
        String first = ids[0];
        String last = ids[0];
        for (String id : ids) {
            if (id.compareTo(first) < 0) {
                first = id;
            }
            if (id.compareTo(last) > 0) {
                last = id;
            }
        }
        b.setProperty("firstId", first);
        b.setProperty("lastId", last);
        return java.util.stream.Stream.of(new Written(ids.length));
    }

    /** What the lock yields: the ids without a Customer node. */
    public static final class Gone {
        public List<String> gone;

        Gone(List<String> gone) {
            this.gone = gone;
        }
    }

    @Procedure(name = "influencegraph.results.lock", mode = Mode.WRITE)
    @Description("Takes the write lock of the Customer of each id until the calling transaction ends (an erasure of"
            + " one of them waits for it, or went first) and yields the ids that have no Customer node.")
    public java.util.stream.Stream<Gone> lock(@Name("ids") List<String> ids) {
        List<String> gone = new ArrayList<>();
        for (String id : ids) {
            Node customer = tx.findNode(CUSTOMER, "id", id);
            if (customer == null) {
                gone.add(id);
            } else {
                tx.acquireWriteLock(customer);
            }
        }
        return java.util.stream.Stream.of(new Gone(gone));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> columns(Map<String, Object> block, String kind) {
        Object columns = block.get(kind);
        return columns == null ? Map.of() : (Map<String, Object>) columns;
    }

    /** Little-endian int32 values as the long array Neo4j stores integers in. */
    private static long[] longs(byte[] bytes) {
        java.nio.IntBuffer ints = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        long[] values = new long[ints.remaining()];
        for (int i = 0; i < values.length; i++) {
            values[i] = ints.get(i);
        }
        return values;
    }
}
