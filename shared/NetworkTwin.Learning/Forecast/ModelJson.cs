using System.Text.Json.Serialization;

namespace NetworkTwin.Learning.Forecast;

/// <summary>
/// The JSON a model carries in its ONNX metadata (the feature spec, the upper-quantile scores), with a serializer
/// generated at build time: the natively compiled agent reads models and has no reflection-based serializer.
/// </summary>
[JsonSerializable(typeof(FeatureSpec))]
[JsonSerializable(typeof(Dictionary<string, double>))]
internal sealed partial class ModelJson : JsonSerializerContext;
