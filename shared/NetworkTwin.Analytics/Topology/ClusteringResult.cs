namespace NetworkTwin.Analytics.Topology;

/// <summary>Clusters of cell indices, the pinned link of each cluster if any, and the merge similarities.</summary>
public sealed record ClusteringResult(List<List<int>> Clusters, List<int?> PinnedLink, List<double> MergeSimilarities);
