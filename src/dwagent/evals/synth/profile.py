"""Size profile of the synthetic tree and the vocabulary its names are drawn from.

The (files, lines) pairs mirror the shape of a large plugin-based C# solution (one big SDK, a
long tail of plugins from ~400 to ~120,000 lines); they are scaled to the requested size. The
names are invented for the synthetic tree.
"""
from __future__ import annotations

# (files, lines) per plugin, largest first.
PLUGIN_SIZES: tuple[tuple[int, int], ...] = (
    (130, 118602), (160, 113391), (97, 61581), (83, 55057), (158, 54375), (67, 48467),
    (163, 40827), (295, 31263), (34, 24328), (25, 24049), (60, 23696), (24, 23401), (56, 23029),
    (70, 22235), (31, 20596), (30, 16480), (56, 13718), (19, 13692), (26, 12987), (15, 12538),
    (13, 12098), (92, 11703), (47, 11434), (14, 11301), (14, 10479), (11, 9290), (19, 9049),
    (24, 8693), (10, 8671), (14, 7458), (21, 7067), (48, 6767), (9, 6764), (10, 6548), (29, 6002),
    (10, 5093), (8, 5001), (16, 4967), (10, 4366), (3, 4255), (11, 3793), (1, 3770), (9, 3299),
    (7, 3237), (6, 3138), (9, 3051), (1, 2983), (4, 2805), (11, 2534), (1, 2200), (3, 2190),
    (10, 2042), (10, 1976), (10, 1862), (8, 1760), (1, 1695), (2, 1490), (10, 1320), (5, 1162),
    (1, 663), (3, 649), (1, 462), (1, 402),
)
# (suffix, files, lines) for the projects at the root of the solution.
ROOT_SIZES: tuple[tuple[str, int, int], ...] = (
    ("Sdk", 486, 133680), ("Tests", 120, 26029), ("Shared", 53, 18896), ("Kernel", 21, 10974),
    ("Dashboard", 19, 6040), ("Cli", 18, 5892), ("Host", 11, 2966), ("Desktop", 10, 2228),
    ("Benchmarks", 1, 502),
)
PROFILE_LINES = sum(n for _, n in PLUGIN_SIZES) + sum(n for _, _, n in ROOT_SIZES)

PRODUCT = "Nimbus"

DOMAINS = (
    "Storage", "Compression", "Encryption", "Replication", "Indexing", "Caching", "Routing",
    "Telemetry", "Scheduling", "Auditing", "Streaming", "Query", "Backup", "Identity", "Search",
    "Transform", "Ingestion", "Archive", "Consensus", "Gateway", "Catalog", "Lineage", "Quality",
    "Privacy", "Retention", "Sharding", "Messaging", "Workflow", "Metering", "Billing", "Vault",
    "Mirror", "Snapshot", "Tiering", "Dedup", "Ledger", "Pipeline", "Federation", "Discovery",
    "Throttle", "Format", "Codec", "Lease", "Quorum", "Journal", "Notary", "Beacon", "Relay",
)
PREFIXES = (
    "Adaptive", "Unified", "Managed", "Hybrid", "Secure", "Elastic", "Native", "Portable",
    "Distributed", "Resilient", "Smart", "Edge", "Cloud", "Local", "Tiered", "Streaming",
)
VARIANTS = (
    "Lz", "Delta", "Ring", "Bloom", "Merkle", "Chunked", "Parallel", "Lazy", "Greedy", "Batched",
    "Windowed", "Sliding", "Fixed", "Rolling", "Async", "Direct", "Buffered", "Pooled", "Sparse",
    "Dense", "Columnar", "Row", "Hashed", "Sorted", "Ordered", "Weighted", "Random", "Sticky",
    "Leader", "Follower", "Quorum", "Gossip", "Vector", "Scalar", "Tree", "Trie", "Skip", "Cuckoo",
    "Rabin", "Zstd", "Brotli", "Snappy", "Aes", "ChaCha", "Hmac", "Sha", "Blake", "Argon", "S3",
    "Blob", "File", "Memory", "Redis", "Kafka", "Nats", "Grpc", "Http", "Tcp", "Udp", "Quic",
)
NOUNS = (
    "Record", "Segment", "Block", "Frame", "Batch", "Entry", "Chunk", "Manifest", "Ticket",
    "Envelope", "Payload", "Header", "Cursor", "Window", "Partition", "Shard", "Token", "Lease",
    "Snapshot", "Checkpoint", "Digest", "Policy", "Profile", "Route", "Endpoint", "Session",
)
VERBS = (
    "Load", "Store", "Fetch", "Resolve", "Validate", "Normalize", "Compute", "Merge", "Split",
    "Encode", "Decode", "Compact", "Flush", "Rotate", "Publish", "Refresh", "Evict", "Prepare",
    "Commit", "Rollback", "Probe", "Measure", "Schedule", "Dispatch", "Apply", "Render", "Seal",
)
ACTIONS = (
    "requested", "completed", "failed", "started", "stopped", "changed", "expired", "rotated",
    "flushed", "evicted", "created", "deleted", "updated", "verified", "rejected", "queued",
)
