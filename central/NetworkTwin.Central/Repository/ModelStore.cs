using Google.Protobuf;
using NetworkTwin.Contracts.Operators;
using static NetworkTwin.Central.Repository.Sql;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// The forecast models the coordinator trained: each version's record and its ONNX bytes, stored once and named by the
/// commands that roll it out.
/// </summary>
public sealed class ModelStore(CoordinatorRepository database) : RepositoryStore(database)
{
    private readonly Dictionary<long, ByteString> _modelBytes = [];

    /// <summary>Stores a trained model; its version is the row's number. Returns the record with the version set.</summary>
    public ModelRecord Save(ModelRecord record, byte[] onnx) => InsertNumbered(
        record.Clone(),
        "models",
        "version",
        [("name", record.Name), ("trained_at", Now()), ("state", record.State), ("onnx", onnx)],
        (r, version) => r.Version = version);

    /// <summary>Replaces a stored model's record (its state, detail and the agents it went to), and its ONNX bytes when given.</summary>
    public void Update(ModelRecord record, byte[]? onnx = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (onnx is not null)
        {
            lock (_modelBytes)
            {
                _modelBytes.Remove(record.Version);
            }
        }

        Run(connection => Execute(
            connection,
            null,
            "UPDATE models SET state = @state, payload = @payload, onnx = COALESCE(@onnx, onnx) WHERE version = @version",
            ("state", record.State),
            ("payload", record.ToByteArray()),
            ("onnx", onnx),
            ("version", record.Version)));
    }

    /// <summary>Trained models, newest first.</summary>
    public IReadOnlyList<ModelRecord> List(int limit, long beforeVersion = 0) => Query(
        "SELECT payload FROM models WHERE @before = 0 OR version < @before ORDER BY version DESC LIMIT @limit",
        reader => ModelRecord.Parser.ParseFrom((byte[])reader.GetValue(0)),
        ("before", beforeVersion),
        ("limit", limit));

    /// <summary>The newest shipped model and its ONNX bytes, or null before the first.</summary>
    public (ModelRecord Record, byte[] Onnx)? Shipped() => Query(
        "SELECT payload, onnx FROM models WHERE state = 'shipped' ORDER BY version DESC LIMIT 1",
        reader => (ModelRecord.Parser.ParseFrom((byte[])reader.GetValue(0)), (byte[])reader.GetValue(1))).Cast<(ModelRecord, byte[])?>().FirstOrDefault();

    /// <summary>A stored model's bytes, kept for the newest few versions read (every agent's rollout reads the same one).</summary>
    internal ByteString? OnnxOf(long version)
    {
        lock (_modelBytes)
        {
            if (_modelBytes.TryGetValue(version, out var cached))
            {
                return cached;
            }
        }

        var stored = Query("SELECT onnx FROM models WHERE version = @version", reader => ByteString.CopyFrom((byte[])reader.GetValue(0)), ("version", version)).FirstOrDefault();
        if (stored is not null)
        {
            lock (_modelBytes)
            {
                if (_modelBytes.Count >= 4)
                {
                    _modelBytes.Remove(_modelBytes.Keys.Min());
                }

                _modelBytes[version] = stored;
            }
        }

        return stored;
    }
}
