namespace OpenKpi.Domain.Text;

/// <summary>
/// Folds Vietnamese text for matching: lower case, tone and vowel marks removed, đ/Đ to d, white space
/// collapsed. A table of its own, because Unicode decomposition does not fold "đ", and under invariant
/// globalization (small container images) it does not strip marks at all.
/// </summary>
public static class VietnameseText
{
    // Generated from the Unicode character database: each precomposed Latin vowel with marks, then đ and Đ.
    private const string Marked = "ÀÁÂÃÄÅÈÉÊËÌÍÎÏÒÓÔÕÖÙÚÛÜÝàáâãäåèéêëìíîïòóôõöùúûüýÿĀāĂăĄąĐđĒēĔĕĖėĘęĚěĨĩĪīĬĭĮįİŌōŎŏŐőŨũŪūŬŭŮůŰűŲųŶŷŸƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǪǫǬǭǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȔȕȖȗȦȧȨȩȪȫȬȭȮȯȰȱȲȳḀḁḔḕḖḗḘḙḚḛḜḝḬḭḮḯṌṍṎṏṐṑṒṓṲṳṴṵṶṷṸṹṺṻẎẏẙẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ";
    private const string Plain = "AAAAAAEEEEIIIIOOOOOUUUUYaaaaaaeeeeiiiiooooouuuuyyAaAaAaDdEeEeEeEeEeIiIiIiIiIOoOoOoUuUuUuUuUuUuYyYOoUuAaIiOoUuUuUuUuUuAaAaOoOoAaAaAaEeEeIiIiOoOoUuUuAaEeOoOoOoOoYyAaEeEeEeEeEeIiIiOoOoOoOoUuUuUuUuUuYyyAaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUuYyYyYyYy";

    private static readonly Dictionary<char, char> Table = Marked.Zip(Plain).ToDictionary(p => p.First, p => p.Second);

    // Combining marks, for text that arrives decomposed (NFD).
    private static bool IsCombiningMark(char c) => c is >= '\u0300' and <= '\u036F';

    public static string Fold(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var builder = new System.Text.StringBuilder(text.Length);
        var space = false;
        foreach (var raw in text)
        {
            if (IsCombiningMark(raw)) continue;
            if (char.IsWhiteSpace(raw))
            {
                space = builder.Length > 0;
                continue;
            }
            if (space) builder.Append(' ');
            space = false;
            var c = Table.TryGetValue(raw, out var plain) ? plain : raw;
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }
}
