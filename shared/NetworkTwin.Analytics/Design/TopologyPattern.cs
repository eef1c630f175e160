namespace NetworkTwin.Analytics.Design;

public enum TopologyPattern
{
    FullMesh,
    Ring,
    DualHub,
    Tree,
    LeafSpine,
    PartialMesh,
    Hybrid,
}
