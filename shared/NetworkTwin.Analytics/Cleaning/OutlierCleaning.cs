namespace NetworkTwin.Analytics.Cleaning;

/// <summary>What the outlier rule did to one series: how many samples it zeroed and above what level.</summary>
public readonly record struct OutlierCleaning(int Removed, double ThresholdKbit);
