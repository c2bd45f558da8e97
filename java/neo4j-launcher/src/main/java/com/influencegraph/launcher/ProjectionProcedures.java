package com.influencegraph.launcher;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.neo4j.graphdb.Transaction;
import org.neo4j.internal.kernel.api.CursorFactory;
import org.neo4j.internal.kernel.api.NodeCursor;
import org.neo4j.internal.kernel.api.PropertyCursor;
import org.neo4j.internal.kernel.api.Read;
import org.neo4j.internal.kernel.api.RelationshipScanCursor;
import org.neo4j.internal.kernel.api.RelationshipTraversalCursor;
import org.neo4j.internal.kernel.api.TokenRead;
import org.neo4j.io.pagecache.context.CursorContext;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.kernel.impl.coreapi.InternalTransaction;
import org.neo4j.memory.MemoryTracker;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.storageengine.api.PropertySelection;
import org.neo4j.storageengine.api.RelationshipSelection;
import org.neo4j.token.api.TokenConstants;
import org.neo4j.values.storable.DateTimeValue;
import org.neo4j.values.storable.NumberValue;
import org.neo4j.values.storable.TextValue;
import org.neo4j.values.storable.Value;
import org.neo4j.values.storable.Values;

/**
 * Read-only procedures that hand the customer graph to the service as packed columns, registered
 * by the launcher in the embedded database (an external Neo4j without them is read with plain
 * Cypher, which gives the same projection about three times more slowly).
 *
 * Why: the Cypher reading returns one record per customer holding lists, so Neo4j builds a list
 * value per arc and the service decodes every element of every list from Bolt; the two together
 * cost about 10 s of CPU for 100k customers / 1.5M arcs. Here the store is read with the kernel's
 * cursors (as Neo4j's own procedures and the Graph Data Science library read it), the relationships
 * by a scan of the relationship store (see scan()), and a few dozen records of packed columns cross Bolt instead of
 * about a million list elements. The cursors are reached through the calling transaction, so a
 * procedure reads what a Cypher query in that transaction would.
 *
 * - influencegraph.projection.customers: the customers with an id, in id order;
 * - influencegraph.projection.details: the same customers' opt-out, name, handle, segment and region (what
 *   the API's read model shows), each text column as one string and the lengths of its values (the
 *   service's read of these by Cypher, a record per customer, cost it about 2 s of CPU at 100k);
 * - influencegraph.projection.previous: each customer's community in a previous run's results, in
 *   the same order (so the service need not decode those results; a call of its own, after the
 *   customers', so that the service takes the arcs while the communities are read);
 * - influencegraph.projection.split: the relationship id that halves the relationship store, the
 *   ends of the service's warm-up sample in each half, and the store's count of each arc kind;
 * - influencegraph.projection.read: the arcs and evidence that the relationships in a range of
 *   internal ids give (those that start at a customer; the service reads two halves at once and
 *   puts the rows in its canonical order), and the newest event among them. Interactions carry
 *   their time, not a decayed count: the decay is to the newest event of the whole base, which
 *   the service knows once both halves are in. (A separate scan for it cost 0.3 s of CPU at 100k
 *   customers and held both halves back until it ended.)
 * The customer list and the split replace Cypher queries whose first run after a start costs
 * 1–2.5 s of planning and runtime warm-up at 100k customers.
 *
 * Chunks: a chunk has `part`; `rows`; `ints`, the int32 columns (each `rows` long, one after the
 * other), then one column per string column (indexes into `strings`, −1 for null), then any tail
 * of string indexes the part describes; `floats`, the float64 columns the same way; and `strings`, the distinct
 * strings of the chunk. `ints` and `floats` are little-endian bytes in base64: the JavaScript
 * driver decodes a Bolt byte array one byte per call (about 1.2 s of the service's CPU per 100k
 * projection), a string in one native call, and base64 to bytes is native too. Node references
 * in int columns are internal ids; one that does not fit in an int32 is written as −1 (the service
 * reads with Cypher when one of its customers has such an id; other nodes' ids travel as floats).
 * A missing or non-numeric value is NaN.
 */
public final class ProjectionProcedures {

    /** Rows per chunk, at least: a chunk ends at the first customer boundary past this. */
    private static final int CHUNK_ROWS = 32_768;

    @Context
    public Transaction tx;

    /** One chunk of rows. */
    public static final class Chunk {
        public String part;
        public long rows;
        public String ints;
        public String floats;
        public List<String> strings;

        Chunk(String part, long rows, String ints, String floats, List<String> strings) {
            this.part = part;
            this.rows = rows;
            this.ints = ints;
            this.floats = floats;
            this.strings = strings;
        }
    }

    /**
     * Column buffers of one part, flushed into a chunk at a customer boundary. A row is begun with
     * row() and its cells set by column; strings are written as indexes into the chunk's list of
     * distinct strings (−1 for null), so a brand id or a kind repeated on every row crosses once.
     */
    private static final class Table {
        final String part;
        final int intColumns;
        int[][] ints;
        double[][] floats;
        int[] tail = new int[1024];
        int tailLength;
        int rows;
        final Map<String, Integer> dictionary = new HashMap<>();
        final List<String> words = new ArrayList<>();

        Table(String part, int intColumns, int floatColumns, int stringColumns) {
            this.part = part;
            this.intColumns = intColumns;
            ints = new int[intColumns + stringColumns][CHUNK_ROWS + 1024];
            floats = new double[floatColumns][CHUNK_ROWS + 1024];
        }

        /** Begins a row. */
        Table row() {
            if (rows == ints[0].length) {
                for (int c = 0; c < ints.length; c++) {
                    ints[c] = Arrays.copyOf(ints[c], 2 * rows);
                }
                for (int c = 0; c < floats.length; c++) {
                    floats[c] = Arrays.copyOf(floats[c], 2 * rows);
                }
            }
            rows++;
            return this;
        }

        Table i(int column, int value) {
            ints[column][rows - 1] = value;
            return this;
        }

        Table f(int column, double value) {
            floats[column][rows - 1] = value;
            return this;
        }

        Table s(int column, String value) {
            ints[intColumns + column][rows - 1] = word(value);
            return this;
        }

        /** Appends a string to the part's tail (listed after the columns, in the order appended). */
        void tail(String value) {
            if (tailLength == tail.length) {
                tail = Arrays.copyOf(tail, 2 * tailLength);
            }
            tail[tailLength++] = word(value);
        }

        private int word(String value) {
            if (value == null) {
                return -1;
            }
            Integer at = dictionary.get(value);
            if (at == null) {
                at = words.size();
                dictionary.put(value, at);
                words.add(value);
            }
            return at;
        }

        /** Drops the rows not flushed yet, and their strings. */
        void clear() {
            rows = 0;
            tailLength = 0;
            dictionary.clear();
            words.clear();
        }

        Chunk flush() {
            int n = rows;
            ByteBuffer ib = ByteBuffer.allocate(4 * (n * ints.length + tailLength)).order(ByteOrder.LITTLE_ENDIAN);
            java.nio.IntBuffer iv = ib.asIntBuffer();
            for (int c = 0; c < ints.length; c++) {
                iv.put(c * n, ints[c], 0, n);
            }
            iv.put(ints.length * n, tail, 0, tailLength);
            ByteBuffer fb = ByteBuffer.allocate(8 * n * floats.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int c = 0; c < floats.length; c++) {
                fb.asDoubleBuffer().put(c * n, floats[c], 0, n);
            }
            Base64.Encoder base64 = Base64.getEncoder();
            Chunk chunk = new Chunk(part, n, base64.encodeToString(ib.array()), base64.encodeToString(fb.array()), new ArrayList<>(words));
            clear();
            return chunk;
        }
    }

    /**
     * The kernel's cursors for one procedure call: a scan of the nodes, and for each nesting level
     * a relationship cursor, a node cursor (the far end) and a property cursor. Reading through them
     * instead of the core API's entities costs a few tens of nanoseconds a relationship, without an
     * object per relationship and node.
     */
    private static final class Cursors implements AutoCloseable {
        final Read read;
        final TokenRead tokens;
        final NodeCursor scan;
        final RelationshipScanCursor relationships;
        final RelationshipTraversalCursor[] rels = new RelationshipTraversalCursor[3];
        final NodeCursor[] nodes = new NodeCursor[3];
        final PropertyCursor[] props = new PropertyCursor[3];
        /** The Customer label's token, NO_TOKEN when no node ever had it. */
        final int customer;
        private boolean closed;
        private boolean scanning;

        Cursors(KernelTransaction ktx) {
            read = ktx.dataRead();
            tokens = ktx.tokenRead();
            customer = tokens.nodeLabel("Customer");
            CursorFactory factory = ktx.cursors();
            CursorContext context = ktx.cursorContext();
            MemoryTracker memory = ktx.memoryTracker();
            scan = factory.allocateNodeCursor(context, memory);
            relationships = factory.allocateRelationshipScanCursor(context, memory);
            for (int level = 0; level < 3; level++) {
                rels[level] = factory.allocateRelationshipTraversalCursor(context, memory);
                nodes[level] = factory.allocateNodeCursor(context, memory);
                props[level] = factory.allocatePropertyCursor(context, memory);
            }
        }

        /** Moves the scan to the next Customer node, in id order; false when there is none left. */
        boolean nextCustomer() {
            if (customer == TokenConstants.NO_TOKEN) {
                return false;
            }
            if (!scanning) {
                read.allNodesScan(scan);
                scanning = true;
            }
            while (scan.next()) {
                if (scan.hasLabel(customer)) {
                    return true;
                }
            }
            return false;
        }

        /** Moves the node cursor of a level to a node; false when it is gone. */
        boolean node(int level, long id) {
            read.singleNode(id, nodes[level]);
            return nodes[level].next();
        }

        /** One property of the entity a cursor is on, NO_VALUE when unset (or the key is unknown). */
        Value property(int level, org.neo4j.internal.kernel.api.EntityCursor entity, int key) {
            if (key == TokenConstants.NO_TOKEN) {
                return Values.NO_VALUE;
            }
            PropertyCursor p = props[level];
            entity.properties(p, PropertySelection.selection(key));
            return p.next() ? p.propertyValue() : Values.NO_VALUE;
        }

        /** Reads the properties of `keys` of the entity into `into`, by position; unset ones are NO_VALUE. */
        void properties(int level, org.neo4j.internal.kernel.api.EntityCursor entity, int[] keys, Value[] into) {
            Arrays.fill(into, Values.NO_VALUE);
            PropertyCursor p = props[level];
            entity.properties(p, PropertySelection.selection(keys));
            while (p.next()) {
                int key = p.propertyKey();
                for (int k = 0; k < keys.length; k++) {
                    if (keys[k] == key) {
                        into[k] = p.propertyValue();
                    }
                }
            }
        }

        /** Closes the cursors once (they go back to the transaction's pool). */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            scan.close();
            relationships.close();
            for (int level = 0; level < 3; level++) {
                rels[level].close();
                nodes[level].close();
                props[level].close();
            }
        }
    }

    /** Reads one relationship of a customer (the relationship scan cursor is on it) into tables. */
    private interface RelationshipReader {
        void read(Cursors cursors, RelationshipScanCursor relationship, int source);
    }

    /**
     * Scans the relationships whose internal id is in [from, to), in id order, reading those that
     * start at a customer into the tables, and yields a chunk of a table once it holds CHUNK_ROWS
     * rows, then the rest at the end.
     *
     * Why a scan of the relationship store rather than a walk of each customer's relationships: a
     * walk reads each node's whole chain (its incoming relationships too, which are another
     * customer's outgoing ones: each relationship record twice) and jumps from record to record,
     * and the properties it reads lie where the walk leads. The scan reads each record once, in
     * store order, and the properties of relationships created one after another lie side by side.
     * On the 100k base, reading every customer's relationships with the same property reads took
     * 0.58–0.70 s of Neo4j's CPU by scan against 1.21–1.44 s by walk (0.10–0.14 s against
     * 0.46–0.67 s without the properties). The rows come in relationship id order, a customer's
     * spread over the chunks: the service puts them in a canonical order.
     */
    private Stream<Chunk> scan(List<Table> tables, long from, long to, RelationshipReader reader) {
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        Cursors cursors = new Cursors(ktx);
        // The customers by internal id (one whose id does not fit an int32 is named −1 anyway, and
        // the service then reads with Cypher).
        java.util.BitSet customers = new java.util.BitSet();
        while (cursors.nextCustomer()) {
            long id = cursors.scan.nodeReference();
            if (id <= Integer.MAX_VALUE) {
                customers.set((int) id);
            }
        }
        RelationshipScanCursor r = cursors.relationships;
        cursors.read.allRelationshipsScan(r);
        Iterator<Chunk> chunks = new Iterator<>() {
            private final List<Chunk> ready = new ArrayList<>();
            private boolean ended;
            private long read;

            private void end() {
                ended = true;
                cursors.close();
                for (Table t : tables) {
                    if (t.rows > 0 || t.tailLength > 0) {
                        ready.add(t.flush());
                    }
                }
            }

            private void fill() {
                while (ready.isEmpty() && !ended) {
                    if (!r.next()) {
                        end();
                        return;
                    }
                    long id = r.relationshipReference();
                    if (id < from) {
                        continue;
                    }
                    if (id >= to) {
                        // The record store's scan goes in id order (a read-only transaction adds none).
                        end();
                        return;
                    }
                    if ((++read & 4095) == 0) {
                        // A terminated transaction (cancelled run, closed connection) stops the scan.
                        ktx.assertOpen();
                    }
                    long source = r.sourceNodeReference();
                    if (source > Integer.MAX_VALUE || !customers.get((int) source)) {
                        continue;
                    }
                    reader.read(cursors, r, (int) source);
                    for (Table t : tables) {
                        if (t.rows >= CHUNK_ROWS) {
                            ready.add(t.flush());
                        }
                    }
                }
            }

            @Override
            public boolean hasNext() {
                fill();
                return !ready.isEmpty();
            }

            @Override
            public Chunk next() {
                fill();
                if (ready.isEmpty()) {
                    throw new NoSuchElementException();
                }
                return ready.remove(0);
            }
        };
        Spliterator<Chunk> split = Spliterators.spliteratorUnknownSize(chunks, Spliterator.ORDERED | Spliterator.NONNULL);
        return StreamSupport.stream(split, false).onClose(cursors::close);
    }

    /** A customer as listed: its id, internal id and opt-out. */
    private record CustomerRow(String id, long node, boolean optedOut) {
    }

    /** The customers with an id, ordered by id. */
    private List<CustomerRow> customerRows() {
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        List<CustomerRow> rows = new ArrayList<>();
        try (Cursors c = new Cursors(ktx)) {
            int[] keys = {c.tokens.propertyKey("id"), c.tokens.propertyKey("optedOut")};
            Value[] values = new Value[2];
            while (c.nextCustomer()) {
                c.properties(0, c.scan, keys, values);
                if (values[0] == Values.NO_VALUE) {
                    continue;
                }
                boolean optedOut = values[1] instanceof org.neo4j.values.storable.BooleanValue b && b.booleanValue();
                rows.add(new CustomerRow(text(values[0]), c.scan.nodeReference(), optedOut));
            }
        }
        rows.sort((a, b) -> a.id().compareTo(b.id()));
        return rows;
    }

    @Procedure(name = "influencegraph.projection.customers", mode = Mode.READ)
    @Description("Every Customer with an id, ordered by id (UTF-16 code units, as JavaScript sorts): part customers"
            + " (ints [opted out 0/1]; floats [internal id]; string columns [id]).")
    public Stream<Chunk> customers() {
        return chunked(new Table("customers", 1, 1, 1), customerRows(),
                (t, row) -> t.row().i(0, row.optedOut() ? 1 : 0).f(0, row.node()).s(0, row.id()));
    }

    @Procedure(name = "influencegraph.projection.details", mode = Mode.READ)
    @Description("What the API shows of every Customer with an id, ordered by id as influencegraph.projection.customers:"
            + " part details (ints [opted out 0/1, then the length of the id, name, handle, segment and region, -1 for"
            + " null]; strings [the ids, names, handles, segments and regions, each column's values joined]).")
    public Stream<Chunk> details() {
        // The sorted list holds ids and internal ids only; each chunk reads its customers' text
        // properties when the service takes it, so the database holds one chunk's text at a time
        // (a whole 1M base's would be hundreds of MB of heap).
        List<CustomerRow> rows = customerRows();
        Cursors cursors = new Cursors(((InternalTransaction) tx).kernelTransaction());
        String[] names = {"name", "handle", "segment", "region"};
        int[] keys = new int[names.length];
        for (int k = 0; k < names.length; k++) {
            keys[k] = cursors.tokens.propertyKey(names[k]);
        }
        Iterator<Chunk> chunks = new Iterator<>() {
            private int from;

            @Override
            public boolean hasNext() {
                if (from < rows.size()) {
                    return true;
                }
                cursors.close();
                return false;
            }

            @Override
            public Chunk next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int n = Math.min(CHUNK_ROWS, rows.size() - from);
                ByteBuffer ib = ByteBuffer.allocate(4 * 6 * n).order(ByteOrder.LITTLE_ENDIAN);
                StringBuilder[] columns = new StringBuilder[5];
                for (int k = 0; k < 5; k++) {
                    columns[k] = new StringBuilder();
                }
                Value[] values = new Value[names.length];
                for (int j = 0; j < n; j++) {
                    CustomerRow row = rows.get(from + j);
                    ib.putInt(4 * j, row.optedOut() ? 1 : 0);
                    if (cursors.node(0, row.node())) {
                        cursors.properties(0, cursors.nodes[0], keys, values);
                    } else {
                        Arrays.fill(values, Values.NO_VALUE);
                    }
                    for (int k = 0; k < 5; k++) {
                        String value = k == 0 ? row.id() : text(values[k - 1]);
                        ib.putInt(4 * ((k + 1) * n + j), value == null ? -1 : value.length());
                        if (value != null) {
                            columns[k].append(value);
                        }
                    }
                }
                from += n;
                List<String> strings = new ArrayList<>(5);
                for (StringBuilder column : columns) {
                    strings.add(column.toString());
                }
                return new Chunk("details", n, Base64.getEncoder().encodeToString(ib.array()), "", strings);
            }
        };
        Spliterator<Chunk> split = Spliterators.spliteratorUnknownSize(chunks, Spliterator.ORDERED | Spliterator.NONNULL);
        return StreamSupport.stream(split, false).onClose(cursors::close);
    }

    /** The customers as one table's chunks, a row each (`fill` begins and sets it). */
    private static Stream<Chunk> chunked(Table table, List<CustomerRow> rows,
            java.util.function.BiConsumer<Table, CustomerRow> fill) {
        List<Chunk> chunks = new ArrayList<>();
        for (CustomerRow row : rows) {
            fill.accept(table, row);
            if (table.rows >= CHUNK_ROWS) {
                chunks.add(table.flush());
            }
        }
        if (table.rows > 0) {
            chunks.add(table.flush());
        }
        return chunks.stream();
    }

    @Procedure(name = "influencegraph.projection.previous", mode = Mode.READ)
    @Description("Each customer's community in the run results `previous` names (a RunResults' element id, whose blocks"
            + " hold customerIds and community arrays), or -1, in the order of influencegraph.projection.customers"
            + " (call both in one transaction): part previous (ints [community]).")
    public Stream<Chunk> previous(@Name("previous") String previous) {
        List<CustomerRow> rows = customerRows();
        Map<String, Integer> community = communities(previous);
        return chunked(new Table("previous", 1, 0, 0), rows, (t, row) -> t.row().i(0, community.getOrDefault(row.id(), -1)));
    }

    /** Customer id → community in the blocks of a RunResults (by element id); a block without either array is skipped. */
    private Map<String, Integer> communities(String results) {
        Map<String, Integer> communities = new HashMap<>();
        String query = "MATCH (res:RunResults) WHERE elementId(res) = $ref MATCH (res)-[:HAS_BLOCK]->(b:RunResultsBlock)"
                + " RETURN b.customerIds AS ids, b.community AS community";
        try (org.neo4j.graphdb.Result result = tx.execute(query, Map.of("ref", results))) {
            while (result.hasNext()) {
                Map<String, Object> block = result.next();
                List<?> ids = list(block.get("ids"));
                List<?> community = list(block.get("community"));
                for (int k = 0; k < Math.min(ids.size(), community.size()); k++) {
                    if (ids.get(k) instanceof String id && community.get(k) instanceof Number value) {
                        communities.put(id, value.intValue());
                    }
                }
            }
        }
        return communities;
    }

    /** A list property as a list (Cypher hands arrays over as Java arrays or lists), empty when absent. */
    private static List<?> list(Object value) {
        if (value instanceof List<?> l) {
            return l;
        }
        if (value != null && value.getClass().isArray()) {
            int n = java.lang.reflect.Array.getLength(value);
            List<Object> out = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                out.add(java.lang.reflect.Array.get(value, k));
            }
            return out;
        }
        return List.of();
    }

    /**
     * The relationship id that splits the relationship store into two halves; the ends of the
     * warm-up's sample in each half; and how many arcs of each kind the store holds.
     */
    public static final class Split {
        public long at;
        public long sample;
        public long sampleUpper;
        public long follows;
        public long knows;
        public long interactions;

        Split(long at, long sample, long sampleUpper, long follows, long knows, long interactions) {
            this.at = at;
            this.sample = sample;
            this.sampleUpper = sampleUpper;
            this.follows = follows;
            this.knows = knows;
            this.interactions = interactions;
        }
    }

    /**
     * Relationships of each half in the warm-up sample: a projection of [0, sample) and
     * [at, sampleUpper) is the service's warm-up after a start (both reading threads; about what
     * 50,000 customers of the generator's bases have; a 100k base whole).
     */
    static final long SAMPLE_RELATIONSHIPS = 1_000_000;

    @Procedure(name = "influencegraph.projection.split", mode = Mode.READ)
    @Description("The relationship id below which half of the relationships lie (by the counts store's total, taking"
            + " ids as dense), the ends of the warm-up's sample of 1,000,000 relationships in each half ([0, sample) and"
            + " [at, sampleUpper)), and the number of FOLLOWS, KNOWS and INTERACTED relationships (from the counts store:"
            + " an upper bound of the arcs to expect).")
    public Stream<Split> split() {
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        // Only the halves' balance depends on the count: any boundary splits the relationships into
        // two disjoint ranges.
        long at = ktx.dataRead().relationshipsGetCount() / 2;
        long sample = Math.min(at, SAMPLE_RELATIONSHIPS);
        long sampleUpper = at + SAMPLE_RELATIONSHIPS;
        Read read = ktx.dataRead();
        TokenRead t = ktx.tokenRead();
        long[] counts = new long[3];
        String[] types = {"FOLLOWS", "KNOWS", "INTERACTED"};
        for (int k = 0; k < types.length; k++) {
            int type = t.relationshipType(types[k]);
            counts[k] = type == TokenConstants.NO_TOKEN ? 0 : read.countsForRelationship(TokenConstants.ANY_LABEL, type, TokenConstants.ANY_LABEL);
        }
        return Stream.of(new Split(at, sample, sampleUpper, counts[0], counts[1], counts[2]));
    }

    @Procedure(name = "influencegraph.projection.read", mode = Mode.READ)
    @Description("The customer graph that the relationships whose internal id is in [from, to) give (those that start at a"
            + " Customer), in relationship id order, as packed chunks."
            + " Parts: follows and knows (ints [source, target]; floats [weight]), interactions (ints [source, target,"
            + " at's nanosecond]; floats [at in epoch seconds, count, sentiment]), engaged (ints [customer]; floats [sentiment or 0, at ms];"
            + " string columns [brand, kind]), rated (ints [customer]; floats [score, at ms]; string columns [brand]) and"
            + " posted (ints [customer, customers who engaged, topics]; floats [content's internal id, sentiment, created ms];"
            + " string columns [brand]; tail: the posts' topic ids in row order) and, last, latest: the newest `at` of"
            + " the INTERACTED, ENGAGED and RATED relationships walked (ints [nanosecond]; floats [epoch seconds];"
            + " string columns [the date-time as Cypher's toString writes it]; no chunk when there is none).")
    public Stream<Chunk> read(@Name("from") long from, @Name("to") long to) {
        Table follows = new Table("follows", 2, 1, 0);
        Table knows = new Table("knows", 2, 1, 0);
        Table interactions = new Table("interactions", 3, 3, 0);
        Table engaged = new Table("engaged", 1, 2, 2);
        Table rated = new Table("rated", 1, 2, 1);
        Table posted = new Table("posted", 3, 3, 1);
        // One row, replaced whenever a newer event is walked, flushed with the last chunks.
        Table latest = new Table("latest", 1, 1, 1);
        DateTimeValue[] newest = {null};
        TokenRead t = ((InternalTransaction) tx).kernelTransaction().tokenRead();
        int customer = t.nodeLabel("Customer");
        int brandLabel = t.nodeLabel("Brand");
        int contentLabel = t.nodeLabel("Content");
        int productLabel = t.nodeLabel("Product");
        int topicLabel = t.nodeLabel("Topic");
        int followsType = t.relationshipType("FOLLOWS");
        int knowsType = t.relationshipType("KNOWS");
        int interactedType = t.relationshipType("INTERACTED");
        int engagedType = t.relationshipType("ENGAGED");
        int ratedType = t.relationshipType("RATED");
        int postedType = t.relationshipType("POSTED");
        int mentionsType = t.relationshipType("MENTIONS");
        int aboutType = t.relationshipType("ABOUT");
        int id = t.propertyKey("id");
        int brandId = t.propertyKey("brandId");
        int weight = t.propertyKey("weight");
        int[] interactionKeys = {t.propertyKey("count"), t.propertyKey("at"), t.propertyKey("sentiment")};
        int[] engagedKeys = {t.propertyKey("sentiment"), t.propertyKey("at"), t.propertyKey("kind")};
        int[] ratedKeys = {t.propertyKey("score"), t.propertyKey("at")};
        int[] contentKeys = {brandId, t.propertyKey("sentiment"), t.propertyKey("createdAt")};
        Value[] values = new Value[3];
        // The string of a few nodes that many relationships reach (brands, products, topics: a
        // handful each, reached by about a third of the relationships read), read once per call.
        Map<Long, String> named = new HashMap<>();
        List<Table> tables = List.of(follows, knows, interactions, engaged, rated, posted, latest);
        /** Keeps the newest date-time `at` seen (in Cypher's order of date-times, as max(r.at) takes it). */
        java.util.function.Consumer<Value> event = (at) -> {
            if (at instanceof DateTimeValue d && (newest[0] == null || Values.COMPARATOR.compare(d, newest[0]) > 0)) {
                newest[0] = d;
                ZonedDateTime z = d.asObjectCopy();
                latest.clear();
                latest.row().i(0, z.getNano()).f(0, z.toEpochSecond()).s(0, d.prettyPrint());
            }
        };
        return scan(tables, from, to, (c, r, key) -> {
            NodeCursor far = c.nodes[0];
            int type = r.type();
            if (type == followsType || type == knowsType) {
                (type == followsType ? follows : knows).row().i(0, key).i(1, key(r.targetNodeReference()))
                        .f(0, number(c.property(0, r, weight)));
            } else if (type == interactedType) {
                c.properties(0, r, interactionKeys, values);
                event.accept(values[1]);
                double count = values[0] == Values.NO_VALUE ? 1 : number(values[0]);
                // The service decays the count to the newest event, once both halves have named it.
                double seconds = Double.NaN;
                int nano = 0;
                if (values[1] instanceof DateTimeValue at) {
                    ZonedDateTime z = at.asObjectCopy();
                    seconds = z.toEpochSecond();
                    nano = z.getNano();
                }
                interactions.row().i(0, key).i(1, key(r.targetNodeReference())).i(2, nano).f(0, seconds).f(1, count).f(2, number(values[2]));
            } else if (type == engagedType) {
                String brand = null;
                long target = r.targetNodeReference();
                if (c.node(0, target)) {
                    if (far.hasLabel(brandLabel) || far.hasLabel(productLabel)) {
                        brand = named.computeIfAbsent(target, k -> text(c.property(1, far, far.hasLabel(brandLabel) ? id : brandId)));
                    } else {
                        brand = text(c.property(1, far, brandId));
                    }
                }
                c.properties(0, r, engagedKeys, values);
                event.accept(values[1]);
                engaged.row().i(0, key).f(0, values[0] == Values.NO_VALUE ? 0.0 : number(values[0])).f(1, epochMillis(values[1]))
                        .s(0, brand).s(1, text(values[2]));
            } else if (type == ratedType) {
                c.properties(0, r, ratedKeys, values);
                event.accept(values[1]);
                if (!c.node(0, r.targetNodeReference()) || !far.hasLabel(brandLabel)) {
                    return;
                }
                String brand = text(c.property(1, far, id));
                rated.row().i(0, key).f(0, number(values[0])).f(1, epochMillis(values[1])).s(0, brand);
            } else if (type == postedType) {
                long contentId = r.targetNodeReference();
                if (!c.node(0, contentId) || !far.hasLabel(contentLabel)) {
                    return;
                }
                c.properties(1, far, contentKeys, values);
                String brand = text(values[0]);
                double sentiment = number(values[1]);
                double created = epochMillis(values[2]);
                RelationshipTraversalCursor inner = c.rels[1];
                NodeCursor end = c.nodes[1];
                String mentioned = null;
                boolean mentionSeen = false;
                int topics = 0;
                int engagedBy = 0;
                far.relationships(inner, RelationshipSelection.ALL_RELATIONSHIPS);
                while (inner.next()) {
                    int innerType = inner.type();
                    boolean outgoing = inner.sourceNodeReference() == contentId;
                    if (innerType == mentionsType && outgoing && !mentionSeen) {
                        long product = inner.targetNodeReference();
                        if (c.node(1, product) && end.hasLabel(productLabel)) {
                            mentioned = named.computeIfAbsent(product, k -> text(c.property(2, end, brandId)));
                            mentionSeen = true;
                        }
                    } else if (innerType == aboutType && outgoing) {
                        long topic = inner.targetNodeReference();
                        if (c.node(1, topic) && end.hasLabel(topicLabel)) {
                            posted.tail(named.computeIfAbsent(topic, k -> text(c.property(2, end, id))));
                            topics++;
                        }
                    } else if (innerType == engagedType && !outgoing) {
                        if (c.node(1, inner.sourceNodeReference()) && end.hasLabel(customer)) {
                            engagedBy++;
                        }
                    }
                }
                if (brand == null) {
                    brand = mentioned;
                }
                posted.row().i(0, key).i(1, engagedBy).i(2, topics).f(0, contentId).f(1, sentiment).f(2, created).s(0, brand);
            }
        });
    }

    /** An internal id as an int32, or −1 when it does not fit. */
    private static int key(long id) {
        return id <= Integer.MAX_VALUE ? (int) id : -1;
    }

    /** A property as Cypher's toFloat would read it: numbers and numeric strings, else NaN. */
    private static double number(Value value) {
        if (value instanceof NumberValue n) {
            return n.doubleValue();
        }
        if (value instanceof TextValue s) {
            try {
                return Double.parseDouble(s.stringValue().trim());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** Milliseconds since the epoch of a date-time property, NaN for anything else. */
    private static double epochMillis(Value value) {
        if (value instanceof DateTimeValue d) {
            return d.asObjectCopy().toInstant().toEpochMilli();
        }
        return Double.NaN;
    }

    private static String text(Value value) {
        if (value == null || value == Values.NO_VALUE) {
            return null;
        }
        return value instanceof TextValue s ? s.stringValue() : String.valueOf(value.asObjectCopy());
    }
}
