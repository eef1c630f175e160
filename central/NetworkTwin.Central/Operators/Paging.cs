using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Grpc.Core;

namespace NetworkTwin.Central.Operators;

/// <summary>
/// Pages of the operators' lists: the page size a request asks for, checked, and page tokens. A token names its list
/// and the key of the last item sent, so the next page starts after it (keyset paging: a page costs the same wherever it
/// is, and items added meanwhile are neither skipped nor repeated). A token is opaque to callers; one that is not this
/// coordinator's for this list is refused, naming the list.
/// </summary>
internal static class Paging
{
    /// <summary>The most items one page holds.</summary>
    public const int MaxPageSize = 10_000;

    private const char Separator = '\u001f';

    /// <summary>The page size asked for, <paramref name="fallback"/> when 0; refuses a negative one or one above <paramref name="max"/>.</summary>
    public static int Size(int requested, int fallback, string field = "page_size", int max = MaxPageSize) =>
        requested == 0 ? fallback
        : requested < 0 || requested > max ? throw Invalid($"{field} must be 0..{max}, 0 for {fallback} (got {requested})")
        : requested;

    /// <summary>The token that continues <paramref name="list"/> after the item whose key is <paramref name="key"/>.</summary>
    public static string Token(string list, params string[] key) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join(Separator, [list, .. key])));

    /// <summary>The key a token of <paramref name="list"/> continues after (<paramref name="fields"/> parts), or null for the first page.</summary>
    public static string[]? After(string list, string token, int fields)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        string text;
        try
        {
            text = token.Length <= 4096 ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)) : string.Empty;
        }
        catch (FormatException)
        {
            text = string.Empty;
        }

        var parts = text.Split(Separator);
        return parts.Length == fields + 1 && parts[0] == list ? parts[1..] : throw NotOurs(list);
    }

    /// <summary>A whole number a token carried, refused like a token not this coordinator's when it is not one.</summary>
    public static long Number(string list, string part) =>
        long.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw NotOurs(list);

    /// <summary>The id a newest-first list's token continues below (0: the first page).</summary>
    public static long Below(string list, string token) => After(list, token, 1) is { } key ? Number(list, key[0]) : 0;

    /// <summary>
    /// The token of the next page of a list read one item longer than <paramref name="size"/> (so that a further page is
    /// known to exist): after the key of the page's last item, or empty when this page is the last.
    /// </summary>
    public static string Next<T>(string list, IReadOnlyList<T> page, int size, Func<T, string[]> key) =>
        page.Count > size ? Token(list, key(page[size - 1])) : string.Empty;

    /// <summary>
    /// One page of a list the coordinator builds whole (the current links and what is derived from them): the items after
    /// the token's key (<paramref name="fields"/> parts) in the ordinal order of <paramref name="key"/>, and the token of
    /// the next page (empty: this is the last).
    /// </summary>
    public static (List<T> Items, string Next) Slice<T>(string list, IEnumerable<T> items, Func<T, string[]> key, int fields, string token, int size)
    {
        var after = After(list, token, fields) is { } parts ? string.Join(Separator, parts) : null;
        var page = items
            .Select(i => (Item: i, Key: string.Join(Separator, key(i))))
            .Where(i => after is null || string.CompareOrdinal(i.Key, after) > 0)
            .OrderBy(i => i.Key, StringComparer.Ordinal)
            .Take(size + 1)
            .Select(i => i.Item)
            .ToList();
        return ([.. page.Take(size)], Next(list, page, size, key));
    }

    /// <summary>A link or other id as a key part that sorts in number order (and reads back with <see cref="Number"/>).</summary>
    public static string Id(long id) => id.ToString("D19", CultureInfo.InvariantCulture);

    private static RpcException NotOurs(string list) =>
        Invalid($"page_token is not one this coordinator gave for the {list} list: pass back the next_page_token of the previous page, or none for the first");

    private static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));
}
