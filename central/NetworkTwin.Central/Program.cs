using NetworkTwin.Central.Hosting;

// The NetworkTwin coordinator: agents register and sync their results here.
await using var app = CoordinatorHost.Build(args);
await app.RunAsync();
