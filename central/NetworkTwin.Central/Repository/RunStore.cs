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
    public IReadOnlyList<DesignRun> Designs(int limit) => Query(
        "SELECT payload FROM design_runs ORDER BY run_id DESC LIMIT @limit",
        reader => DesignRun.Parser.ParseFrom((byte[])reader.GetValue(0)),
        ("limit", limit));

    /// <summary>Records a what-if run; returns it with its id.</summary>
    public ScenarioRun SaveScenario(ScenarioRun run) => InsertNumbered(run.Clone(), "scenario_runs", "run_id", [("run_at", Now())], (r, id) => r.RunId = id);

    /// <summary>Recorded what-if runs, newest first.</summary>
    public IReadOnlyList<ScenarioRun> Scenarios(int limit) => Query(
        "SELECT payload FROM scenario_runs ORDER BY run_id DESC LIMIT @limit",
        reader => ScenarioRun.Parser.ParseFrom((byte[])reader.GetValue(0)),
        ("limit", limit));
}
