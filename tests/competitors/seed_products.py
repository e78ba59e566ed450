"""The product list of the phase-51 seed (../shared/seed/phase-51-certification-context.md), kept
here as test data so the tests never read outside the repository. Each seed name maps to the KB
slugs it was split into (split policy: competitors/README.md)."""

SEED: dict[str, dict[str, tuple[str, ...]]] = {
    "NAS/Storage Appliance OS": {
        "TrueNAS (CORE & SCALE)": ("truenas",),
        "ESOS (Enterprise Storage OS)": ("esos",),
        "OpenMediaVault": ("openmediavault",),
        "XigmaNAS & Rockstor": ("xigmanas", "rockstor"),
        "QNAP QTS/QuTS hero": ("qnap-qts-quts-hero",),
        "Synology DSM": ("synology-dsm",),
        "Open-E JovianDSS": ("open-e-joviandss",),
        "DataCore SANsymphony": ("datacore-sansymphony",),
    },
    "Distributed/Object Storage": {
        "Ceph": ("ceph",),
        "MinIO": ("minio",),
        "GlusterFS": ("glusterfs",),
        "Scality RING": ("scality-ring",),
    },
    "General-Purpose OS with Storage Focus": {
        "Linux (RHEL, Ubuntu, CentOS)": ("linux-rhel-ubuntu-centos",),
        "Windows Server (Storage Spaces, NTFS, ReFS)": ("windows-server",),
    },
    "Security-Hardened / Sovereign OS": {
        "Green Hills INTEGRITY-178B": ("green-hills-integrity-178b",),
        "BlackBerry QNX": ("blackberry-qnx",),
        "OpenBSD": ("openbsd",),
        "Qubes OS": ("qubes-os",),
        "Maya OS (Israel)": ("maya-os",),
        "Astra Linux (Russia)": ("astra-linux",),
        "BOSS GNU/Linux (India)": ("boss-gnu-linux",),
    },
    "RTOS / Embedded": {
        "Wind River VxWorks": ("wind-river-vxworks",),
        "LynxOS-178": ("lynxos-178",),
    },
    "Data Platforms / Lakehouses": {
        "DataOS (The Modern Data Company)": ("dataos",),
        "Snowflake": ("snowflake",),
        "Databricks": ("databricks",),
        "Cloudera CDP": ("cloudera-cdp",),
    },
    "Enterprise Backup / Data Protection": {
        "Veritas NetBackup": ("veritas-netbackup",),
        "Veeam": ("veeam",),
        "Cohesity": ("cohesity",),
        "Rubrik": ("rubrik",),
        "Commvault": ("commvault",),
    },
    "Enterprise Storage Infrastructure": {
        "Pure Storage": ("pure-storage",),
        "NetApp ONTAP": ("netapp-ontap",),
        "Dell PowerScale (Isilon)": ("dell-powerscale",),
        "HPE Ezmeral": ("hpe-ezmeral",),
        "Hitachi Vantara": ("hitachi-vantara",),
        "IBM Spectrum": ("ibm-spectrum",),
    },
    "Data Infrastructure / Modern Data Stack": {
        "Redis Enterprise": ("redis-enterprise",),
        "MongoDB Atlas": ("mongodb-atlas",),
        "Elastic/OpenSearch": ("elasticsearch", "opensearch"),
        "Kafka/Confluent": ("apache-kafka", "confluent"),
        "Apache Spark": ("apache-spark",),
        "Trino/Presto": ("trino", "presto"),
        "dbt": ("dbt",),
        "Airbyte/Fivetran": ("airbyte", "fivetran"),
        "Atlan/Alation": ("atlan", "alation"),
        "Monte Carlo (data observability)": ("monte-carlo",),
        "Great Expectations (data quality)": ("great-expectations",),
    },
    "Hyperscaler Internal Systems": {
        "Google: ProdNG/gLinux/Colossus/Bigtable/Spanner/Borg": ("google",),
        "Microsoft: Azure Storage/ReFS/Cosmos DB/Service Fabric/VFS for Git": ("microsoft",),
        "Meta: Custom Linux/Tectonic/Haystack/ZippyDB/Scuba/Gorilla": ("meta",),
        "Netflix: Custom Cassandra/EVCache/Atlas": ("netflix",),
    },
    "HPC / AI Infrastructure": {
        "NVIDIA: DGX OS/Lustre/GPFS/NetApp/WEKA/Base Command/Magnum IO": ("nvidia",),
        "Intel-AMD: Isilon/NetBatch/LFS": ("intel-amd",),
    },
    "Specialized": {
        "SeisComP (seismology)": ("seiscomp",),
        "MiniSEED (seismology data format)": ("miniseed",),
    },
}

# Company-grouped seed lines whose named systems must each appear as a subsystem of the entry.
SUBSYSTEMS: dict[str, tuple[str, ...]] = {
    "google": ("Spanner", "Colossus", "Bigtable", "Borg", "ProdNG"),
    "microsoft": ("Azure Storage", "Cosmos DB", "ReFS", "Service Fabric", "VFS for Git"),
    "meta": ("Tectonic", "Haystack", "Gorilla", "ZippyDB"),
    "netflix": ("EVCache", "Cassandra", "Atlas"),
    "nvidia": ("Magnum IO", "DGX OS", "Lustre", "WEKA"),
    "intel-amd": ("NetBatch", "Isilon", "LFS"),
}
