namespace NetworkTwin.Central.Repository;

/// <summary>What every store of the repository stands on: the database's connections and its query helpers.</summary>
public abstract class RepositoryStore
{
    private protected RepositoryStore(CoordinatorRepository database) => Database = database;

    private protected CoordinatorRepository Database { get; }

    private protected T Run<T>(Func<System.Data.Common.DbConnection, T> work) => Database.Run(work);

    private protected Task<T> WriteAsync<T>(Func<System.Data.Common.DbConnection, T> work) => Database.WriteAsync(work);

    private protected List<T> Query<T>(string sql, Func<System.Data.Common.DbDataReader, T> map, params (string Name, object? Value)[] parameters) =>
        Database.Query(sql, map, parameters);

    private protected T InsertNumbered<T>(T message, string table, string idColumn, (string Column, object? Value)[] columns, Action<T, long> setId)
        where T : Google.Protobuf.IMessage<T> => Database.InsertNumbered(message, table, idColumn, columns, setId);
}
