using NetworkTwin.Contracts.Operators;
using static NetworkTwin.Central.Repository.Sql;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// The runs operators asked for and keep: design-twin failure simulations published to the dashboard, and what-if
/// scenarios on the twin's state.
/// </summary>
public sealed class RunStore(CoordinatorRepository database) : RepositoryStore(database)
{
    /// <summary>Stores a published design run; returns it with its id and time.</summary>
    public DesignRun SaveDesign(DesignRun run)
    {
        var stored = run.Clone();
        stored.PublishedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return InsertNumbered(stored, "design_runs", "run_id", [("network", stored.Network), ("published_at", Now())], (r, id) => r.RunId = id);
    }

    /// <summary>Published design runs, newest first.</summary>
    public IReadOnlyList<DesignRun> Designs(int limit, long beforeId = 0) => Query(
        "SELECT payload FROM design_runs WHERE @before = 0 OR run_id < @before ORDER BY run_id DESC LIMIT @limit",
        reader => DesignRun.Parser.ParseFrom((byte[])reader.GetValue(0)),
        ("before", beforeId),
        ("limit", limit));

    /// <summary>Records a what-if run; returns it with its id.</summary>
    public ScenarioRun SaveScenario(ScenarioRun run) => InsertNumbered(run.Clone(), "scenario_runs", "run_id", [("run_at", Now())], (r, id) => r.RunId = id);

    /// <summary>Recorded what-if runs, newest first.</summary>
    public IReadOnlyList<ScenarioRun> Scenarios(int limit, long beforeId = 0) => Query(
        "SELECT payload FROM scenario_runs WHERE @before = 0 OR run_id < @before ORDER BY run_id DESC LIMIT @limit",
        reader => ScenarioRun.Parser.ParseFrom((byte[])reader.GetValue(0)),
        ("before", beforeId),
        ("limit", limit));

    /// <summary>Removes the design and what-if runs recorded before <paramref name="beforeUnixMs"/>; returns how many.</summary>
    public int Expire(long beforeUnixMs) => Run(connection =>
        Execute(connection, null, "DELETE FROM design_runs WHERE published_at < @before", ("before", StoredTime(beforeUnixMs)))
        + Execute(connection, null, "DELETE FROM scenario_runs WHERE run_at < @before", ("before", StoredTime(beforeUnixMs))));
}
