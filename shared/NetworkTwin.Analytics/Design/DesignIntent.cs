namespace NetworkTwin.Analytics.Design;

/// <summary>How much failure a design must survive.</summary>
public enum Redundancy
{
    /// <summary>Connected; any failure may cut sites off.</summary>
    None,

    /// <summary>Survives any single link failure (2-edge-connected, sized for it).</summary>
    Standard,

    /// <summary>Survives any single link or node failure (2-node-connected, sized for both).</summary>
    High,

    /// <summary>Survives any two link failures and any node failure (3-edge- and 2-node-connected).</summary>
    Critical,
}

public enum Objective
{
    Cost,
    Latency,
    Resilience,
}

/// <summary>
/// What a network architect asks for (JSON or YAML). Classes with setters so both serializers
/// can fill them; <see cref="Validate"/> names every bad field by its path.
/// </summary>
public sealed class DesignIntent
{
    public string Name { get; set; } = "intent";

    public List<IntentSite> Sites { get; set; } = [];

    /// <summary>Instead of listing sites: generate this many in regions (seeded, reproducible).</summary>
    public SiteModel? SiteModel { get; set; }

    public List<IntentDemand> Demands { get; set; } = [];

    /// <summary>Instead of listing demands: spread a total over all site pairs.</summary>
    public DemandModel? DemandModel { get; set; }

    public Redundancy Redundancy { get; set; } = Redundancy.Standard;

    public Objective Objective { get; set; } = Objective.Cost;

    public IntentConstraints Constraints { get; set; } = new();

    /// <summary>Site pairs whose links would share a risk (a duct, a bridge crossing): they fail together.</summary>
    public List<SharedRisk> SharedRisks { get; set; } = [];

    public IReadOnlyList<string> Validate()
    {
        // A YAML "sites:" with nothing after it, or a JSON null, leaves a field the rest of the checks rely on
        // unset (found by the fuzzer: a NullReferenceException). Name each such field and check nothing else.
        var missing = new List<string>();
        FindNulls(this, string.Empty, new System.Reflection.NullabilityInfoContext(), missing);
        if (missing.Count > 0)
        {
            return missing;
        }

        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("name: must not be empty.");
        }

        if (Sites.Count == 0 && SiteModel is null)
        {
            errors.Add("sites: list at least two sites, or give siteModel.");
        }

        if (Sites.Count > 0 && SiteModel is not null)
        {
            errors.Add("sites and siteModel: give one or the other, not both.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Sites.Count; i++)
        {
            var s = Sites[i];
            if (string.IsNullOrWhiteSpace(s.Id))
            {
                errors.Add($"sites[{i}].id: must not be empty.");
            }
            else if (!ids.Add(s.Id))
            {
                errors.Add($"sites[{i}].id: \"{s.Id}\" is used twice.");
            }

            if (s.Lat is not (>= -90 and <= 90))
            {
                errors.Add($"sites[{i}].lat: must be -90..90 degrees (got {s.Lat}).");
            }

            if (s.Lon is not (>= -180 and <= 180))
            {
                errors.Add($"sites[{i}].lon: must be -180..180 degrees (got {s.Lon}).");
            }

            if (s.Weight is not (> 0 and <= 1e6))
            {
                errors.Add($"sites[{i}].weight: must be above 0 (got {s.Weight}).");
            }
        }

        if (Sites.Count is 1)
        {
            errors.Add("sites: a network needs at least two sites.");
        }

        if (SiteModel is { } model)
        {
            if (model.Count is < 2 or > 2000)
            {
                errors.Add($"siteModel.count: must be 2..2000 (got {model.Count}).");
            }

            if (model.Regions < 1 || model.Regions > model.Count)
            {
                errors.Add($"siteModel.regions: must be 1..count (got {model.Regions}).");
            }

            if (model.SpreadKm is not (> 0 and <= 20_000))
            {
                errors.Add($"siteModel.spreadKm: must be above 0 and at most 20000 (got {model.SpreadKm}).");
            }
        }

        for (var i = 0; i < Demands.Count; i++)
        {
            var d = Demands[i];
            if (!ids.Contains(d.From ?? string.Empty))
            {
                errors.Add($"demands[{i}].from: \"{d.From}\" is not a site id.");
            }

            if (!ids.Contains(d.To ?? string.Empty))
            {
                errors.Add($"demands[{i}].to: \"{d.To}\" is not a site id.");
            }

            if (d.Gbps is not (>= 0 and <= 1e7))
            {
                errors.Add($"demands[{i}].gbps: must be 0..10000000 (got {d.Gbps}).");
            }
        }

        if (Demands.Count > 0 && DemandModel is not null)
        {
            errors.Add("demands and demandModel: give one or the other, not both.");
        }

        if (DemandModel is { } dm && dm.TotalGbps is not (> 0 and <= 1e8))
        {
            errors.Add($"demandModel.totalGbps: must be above 0 (got {dm.TotalGbps}).");
        }

        var riskNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < SharedRisks.Count; i++)
        {
            var risk = SharedRisks[i];
            if (string.IsNullOrWhiteSpace(risk.Name) || !riskNames.Add(risk.Name))
            {
                errors.Add($"sharedRisks[{i}].name: must be set and unique (got \"{risk.Name}\").");
            }

            if (risk.Links.Count == 0)
            {
                errors.Add($"sharedRisks[{i}].links: list at least one site pair.");
            }

            for (var k = 0; k < risk.Links.Count; k++)
            {
                var pair = risk.Links[k];
                if (pair.Count != 2 || pair[0] == pair[1])
                {
                    errors.Add($"sharedRisks[{i}].links[{k}]: must be two different site ids.");
                    continue;
                }

                foreach (var id in pair.Where(id => !ids.Contains(id)))
                {
                    errors.Add($"sharedRisks[{i}].links[{k}]: \"{id}\" is not a site id{(SiteModel is null ? string.Empty : " (shared risks need listed sites)")}.");
                }
            }
        }

        var c = Constraints;
        if (c.Budget is <= 0)
        {
            errors.Add($"constraints.budget: must be above 0 (got {c.Budget}).");
        }

        if (c.MaxHops is < 1 or > 1000)
        {
            errors.Add($"constraints.maxHops: must be 1..1000 (got {c.MaxHops}).");
        }

        if (c.MaxLatencyMs is <= 0)
        {
            errors.Add($"constraints.maxLatencyMs: must be above 0 (got {c.MaxLatencyMs}).");
        }

        if (c.TargetUtilisation is not (> 0 and <= 1))
        {
            errors.Add($"constraints.targetUtilisation: must be above 0 and at most 1 (got {c.TargetUtilisation}).");
        }

        if (c.LinkTypes.Count == 0)
        {
            errors.Add("constraints.linkTypes: list at least one link type (name, capacityGbps, fixedCost, costPerKm).");
        }

        for (var i = 0; i < c.LinkTypes.Count; i++)
        {
            var t = c.LinkTypes[i];
            if (string.IsNullOrWhiteSpace(t.Name))
            {
                errors.Add($"constraints.linkTypes[{i}].name: must not be empty.");
            }

            if (t.CapacityGbps is not (> 0 and <= 1e6))
            {
                errors.Add($"constraints.linkTypes[{i}].capacityGbps: must be above 0 (got {t.CapacityGbps}).");
            }

            if (t.FixedCost < 0 || t.CostPerKm < 0)
            {
                errors.Add($"constraints.linkTypes[{i}]: costs must not be negative.");
            }

            if (t.MaxParallel is < 1 or > 64)
            {
                errors.Add($"constraints.linkTypes[{i}].maxParallel: must be 1..64 (got {t.MaxParallel}).");
            }
        }

        return errors;
    }

    /// <summary>Every field that is null where the intent's type says it may not be, and every null list item, by path.</summary>
    private static void FindNulls(object value, string path, System.Reflection.NullabilityInfoContext nullability, List<string> missing)
    {
        if (value is System.Collections.IList list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] is null)
                {
                    missing.Add($"{path}[{i}]: must not be empty.");
                }
                else
                {
                    FindNulls(list[i]!, $"{path}[{i}]", nullability, missing);
                }
            }

            return;
        }

        var type = value.GetType();
        if (type.IsPrimitive || type.IsEnum || value is string || type.Namespace != typeof(DesignIntent).Namespace)
        {
            return;
        }

        foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.PropertyType.IsValueType)
            {
                continue;
            }

            var name = path.Length == 0 ? Camel(property.Name) : $"{path}.{Camel(property.Name)}";
            var child = property.GetValue(value);
            if (child is null)
            {
                if (nullability.Create(property).ReadState == System.Reflection.NullabilityState.NotNull)
                {
                    missing.Add($"{name}: must not be empty.");
                }
            }
            else
            {
                FindNulls(child, name, nullability, missing);
            }
        }
    }

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}

public sealed class SharedRisk
{
    public string Name { get; set; } = string.Empty;

    /// <summary>Site pairs, e.g. [[paris, lyon], [lyon, marseille]].</summary>
    public List<List<string>> Links { get; set; } = [];
}

public sealed class IntentSite
{
    public string Id { get; set; } = string.Empty;

    /// <summary>core, aggregation, access, hub, dc: core and hub sites become hubs and spines.</summary>
    public string Role { get; set; } = "access";

    public string Region { get; set; } = "default";

    public double? Lat { get; set; }

    public double? Lon { get; set; }

    /// <summary>Relative traffic weight for the gravity demand model.</summary>
    public double Weight { get; set; } = 1;
}

public sealed class SiteModel
{
    public int Count { get; set; } = 20;

    public int Regions { get; set; } = 1;

    /// <summary>Width of the area the regions are spread over.</summary>
    public double SpreadKm { get; set; } = 2000;

    /// <summary>Core sites per region (hubs).</summary>
    public int CoresPerRegion { get; set; } = 2;

    public int Seed { get; set; } = 1;
}

public sealed class IntentDemand
{
    public string? From { get; set; }

    public string? To { get; set; }

    public double Gbps { get; set; }
}

public sealed class DemandModel
{
    /// <summary>uniform (every pair the same) or gravity (proportional to the sites' weights).</summary>
    public string Kind { get; set; } = "gravity";

    public double TotalGbps { get; set; } = 1000;
}

public sealed class IntentConstraints
{
    public double? Budget { get; set; }

    public int? MaxHops { get; set; }

    public double? MaxLatencyMs { get; set; }

    /// <summary>Links are sized so the worst load the redundancy level covers stays below this share of capacity.</summary>
    public double TargetUtilisation { get; set; } = 0.8;

    public List<LinkType> LinkTypes { get; set; } =
    [
        new() { Name = "10G", CapacityGbps = 10, FixedCost = 10_000, CostPerKm = 20 },
        new() { Name = "100G", CapacityGbps = 100, FixedCost = 40_000, CostPerKm = 60 },
        new() { Name = "400G", CapacityGbps = 400, FixedCost = 120_000, CostPerKm = 150 },
    ];
}

public sealed class LinkType
{
    public string Name { get; set; } = string.Empty;

    public double CapacityGbps { get; set; }

    public double FixedCost { get; set; }

    public double CostPerKm { get; set; }

    /// <summary>Most parallel circuits of this type on one link.</summary>
    public int MaxParallel { get; set; } = 8;
}
