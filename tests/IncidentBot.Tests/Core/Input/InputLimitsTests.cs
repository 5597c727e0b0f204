using System.Text.Json;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Input;

namespace IncidentBot.Tests.Core.Input;

public class InputLimitsTests
{
    [Fact]
    public void Every_field_has_exactly_one_row() =>
        Assert.Equal(Enum.GetValues<InputField>().Order(), InputLimits.Table.Select(l => l.Field).Order());

    [Theory]
    [InlineData(InputField.Title, 200)]
    [InlineData(InputField.Summary, 4000)]
    [InlineData(InputField.Text, 4000)]
    [InlineData(InputField.CapturedMessage, 4000)]
    [InlineData(InputField.Service, 100)]
    [InlineData(InputField.Reason, 1000)]
    [InlineData(InputField.PersonKey, 140)]
    [InlineData(InputField.DisplayName, 200)]
    public void At_the_limit_is_accepted_and_one_more_is_refused_or_cut(InputField field, int max)
    {
        var limit = InputLimits.For(field);
        Assert.Equal(max, limit.MaxLength);
        if (field == InputField.PersonKey)
        {
            return; // its length is bounded by the platform formats, below.
        }

        Assert.Equal(max, InputLimits.Apply(field, new string('a', max))!.Length);
        if (limit.Overflow == Overflow.Refuse)
        {
            Assert.Throws<InputRefusedException>(() => InputLimits.Apply(field, new string('a', max + 1)));
        }
        else
        {
            var cut = InputLimits.Apply(field, new string('a', max + 1))!;
            Assert.Equal(max, cut.Length);
            Assert.EndsWith(limit.Marker, cut);
        }
    }

    [Fact]
    public void Length_counts_what_people_see_so_emoji_titles_get_the_full_limit()
    {
        var emoji = string.Concat(Enumerable.Repeat("🔥", 200));
        Assert.Equal(emoji, InputLimits.Apply(InputField.Title, emoji));
        Assert.Throws<InputRefusedException>(() => InputLimits.Apply(InputField.Title, emoji + "🔥"));
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var cut = InputLimits.Apply(InputField.CapturedMessage, string.Concat(Enumerable.Repeat("🔥", 5000)))!;
        Assert.False(InputLimits.HasLoneSurrogate(cut));
        Assert.EndsWith(InputLimits.TruncatedMarker, cut);
    }

    [Theory]
    [InlineData(InputField.Title)]
    [InlineData(InputField.Service)]
    [InlineData(InputField.Name)]
    [InlineData(InputField.PlatformId)]
    [InlineData(InputField.Link)]
    [InlineData(InputField.PersonKey)]
    public void One_line_fields_refuse_control_characters_even_newlines(InputField field)
    {
        Assert.Throws<InputRefusedException>(() => InputLimits.Apply(field, "a\0b"));
        Assert.Throws<InputRefusedException>(() => InputLimits.Apply(field, "a\nb"));
        Assert.Throws<InputRefusedException>(() => InputLimits.Apply(field, "a\u0085b"));
    }

    [Theory]
    [InlineData(InputField.Summary)]
    [InlineData(InputField.Text)]
    [InlineData(InputField.CapturedMessage)]
    [InlineData(InputField.Reason)]
    public void Long_text_strips_control_characters_and_keeps_newlines_and_tabs(InputField field) =>
        Assert.Equal("a b\n\tc", InputLimits.Apply(field, "a\0 b\u001b\r\n\tc\u007f"));

    [Fact]
    public void Display_names_strip_control_characters() =>
        Assert.Equal("Alice", InputLimits.Apply(InputField.DisplayName, "Al\0ice\n"));

    [Fact]
    public void A_text_of_only_control_characters_is_empty_and_the_feature_decides_if_that_is_allowed() =>
        Assert.Equal(string.Empty, InputLimits.Apply(InputField.Text, "\0\0\0"));

    [Theory]
    [InlineData(0xD800)]
    [InlineData(0xDBFF)]
    [InlineData(0xDC00)]
    [InlineData(0xDFFF)]
    public void Lone_surrogates_are_refused_in_every_field(int surrogate)
    {
        foreach (var field in Enum.GetValues<InputField>())
        {
            Assert.Throws<InputRefusedException>(() => InputLimits.Apply(field, "a" + (char)surrogate));
            Assert.Throws<InputRefusedException>(() => InputLimits.Apply(field, (char)surrogate + "a"));
        }
    }

    [Fact]
    public void Null_stays_null() => Assert.Null(InputLimits.Apply(InputField.Title, null));

    [Theory]
    [InlineData("slack:U024BE7LH", true)]
    [InlineData("teams:6f1c3a0e-0000-4000-8000-000000000001", true)]
    [InlineData("teams:29:1AbC_d-9", true)]
    [InlineData("console:alice", true)]
    [InlineData("slack:U0<script>", false)]
    [InlineData("teams:unknown", false)]
    [InlineData("console:a:b", false)]
    public void Person_ids_must_have_their_platforms_shape(string key, bool valid)
    {
        if (valid)
        {
            Assert.Equal(key, InputLimits.Apply(InputField.PersonKey, key));
        }
        else
        {
            Assert.Throws<InputRefusedException>(() => InputLimits.Apply(InputField.PersonKey, key));
        }
    }

    [Fact]
    public void A_ten_thousand_character_person_id_is_refused_without_echoing_it()
    {
        var refused = Assert.Throws<InputRefusedException>(() => InputLimits.Apply(InputField.PersonKey, "slack:U" + new string('A', 10_000)));
        Assert.True(refused.Message.Length < 200);
        Assert.False(PersonKey.IsValid("slack:U" + new string('A', 10_000)));
    }

    [Theory]
    [InlineData("""{"text":"\ud800"}""", true)]
    [InlineData("""{"a":[1,{"b":"ok \udc00"}]}""", true)]
    [InlineData("""{"\ud800":"key"}""", true)]
    [InlineData("""{"text":"\ud83d\udd25 fine"}""", false)]
    [InlineData("""{"text":"plain","n":1,"t":true,"x":null}""", false)]
    public void Json_with_broken_text_is_found(string json, bool broken)
    {
        using var document = JsonDocument.Parse(json);
        Assert.Equal(broken, JsonInput.HasBrokenText(document.RootElement));
    }
}

/// <summary>A new request that carries text from outside cannot skip the door by forgetting to list it.</summary>
public class InputRequestCoverageTests
{
    [Fact]
    public void Every_request_with_text_or_an_actor_lists_its_inputs()
    {
        var requests = typeof(InputLimits).Assembly.GetTypes()
            .Where(t => t.IsClass && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(MediatR.IRequest<>)))
            .Where(t => t.GetProperties().Any(p => p.PropertyType == typeof(string) || p.PropertyType == typeof(Actor)))
            .ToList();

        Assert.NotEmpty(requests);
        Assert.Empty(requests.Where(t => !typeof(IInputRequest).IsAssignableFrom(t)).Select(t => t.Name));
    }
}
