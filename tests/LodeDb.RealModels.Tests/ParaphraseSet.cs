namespace LodeDb.RealModels.Tests;

/// <summary>
/// 60 short documents across 12 topics (5 each) and one paraphrased question per document that
/// shares no content word with it: only meaning can connect a question to its document, and four
/// other documents of the same topic compete for it. Written for these tests.
/// </summary>
internal static class ParaphraseSet
{
    public sealed record Item(string Id, string Topic, string Document, string Query);

    public static IReadOnlyList<Item> Items { get; } = Build(
    [
        ("cooking", [
            ("Simmer the tomato sauce slowly for an hour before serving the pasta.", "How long should marinara stay on low heat before it goes on noodles?"),
            ("Knead the bread dough until it feels smooth and elastic.", "When is a loaf mixture worked enough by hand? Once it is silky and stretchy."),
            ("Always wash your hands after touching raw chicken.", "Clean fingers once you have handled uncooked poultry."),
            ("Whisk the egg whites until stiff peaks form for the meringue.", "Beating albumen hard until it stands up in points."),
            ("Sharpen the kitchen knife on a whetstone once a month.", "Hone your chef's blade on a grinding block regularly."),
        ]),
        ("weather", [
            ("Heavy snow is expected to close the mountain roads tonight.", "A blizzard will likely block the alpine highways this evening."),
            ("The heatwave pushed temperatures above forty degrees.", "A scorching spell sent the thermometer past 40."),
            ("A thunderstorm knocked out power across the city.", "Lightning and downpours caused a blackout in town."),
            ("Morning fog reduced visibility at the airport.", "Thick mist at dawn made it hard for pilots to see the runway."),
            ("Strong winds blew the roof off a barn.", "A gale tore the top off a farm shed."),
        ]),
        ("finance", [
            ("The central bank raised interest rates by half a percent.", "Borrowing costs were lifted 0.5 points by the monetary authority."),
            ("I need to pay off my credit card balance this month.", "Clearing what I owe on the plastic before the bill is due."),
            ("Stock prices fell sharply after the earnings report.", "Shares plunged following the quarterly profit announcement."),
            ("She opened a savings account for her daughter's college fund.", "A deposit plan set up to cover a girl's university tuition."),
            ("The company filed for bankruptcy after years of losses.", "The firm went insolvent when it ran out of cash after a long slump."),
        ]),
        ("medicine", [
            ("The doctor prescribed antibiotics for the throat infection.", "The physician ordered a course of penicillin for strep."),
            ("Drink plenty of water to avoid dehydration during exercise.", "Keep sipping fluids so your body does not dry out while training."),
            ("He broke his leg skiing and now wears a cast.", "A fracture of the shin on the slopes left him in plaster."),
            ("Regular checkups help detect high blood pressure early.", "Routine visits to the clinic catch hypertension sooner."),
            ("The nurse gave the child a flu vaccine.", "A kid received an influenza shot from the caregiver."),
        ]),
        ("pets", [
            ("Our puppy chews every shoe in the house.", "The young dog keeps gnawing on all our footwear."),
            ("Cats sleep for most of the day.", "Felines doze away the majority of their hours."),
            ("Feed the goldfish a small pinch of flakes each morning.", "Give the aquarium pet a tiny amount of food at breakfast time."),
            ("The horse needs new shoes from the farrier.", "A blacksmith must refit the stallion's hooves."),
            ("The parrot can repeat a dozen words.", "Our talking bird mimics twelve phrases."),
        ]),
        ("sport", [
            ("The striker scored twice in the second half.", "The forward found the net two times after the break."),
            ("She finished the marathon in under three hours.", "Completed the 42 km race faster than 180 minutes."),
            ("The tennis match went to a fifth set tiebreak.", "Their racket duel needed a deciding game after four rounds."),
            ("The team lost the championship final on penalties.", "They were beaten in the title decider after a shootout."),
            ("He lifts weights at the gym three times a week.", "Pumping iron at the fitness centre on a regular schedule."),
        ]),
        ("travel", [
            ("Our flight was delayed by four hours because of a strike.", "The plane left very late since the crew walked out."),
            ("The train to Paris departs from platform nine.", "Rail service to the French capital leaves from track 9."),
            ("Remember to renew your passport before the trip.", "Get new travel documents sorted prior to going abroad."),
            ("We rented a car to drive along the coast.", "Hiring an automobile for a seaside road journey."),
            ("The hotel room had a view of the harbour.", "Our lodging overlooked the boats in the port."),
        ]),
        ("technology", [
            ("My laptop battery drains within two hours.", "The notebook computer's charge runs out quickly."),
            ("Install the latest security update to fix the vulnerability.", "Patch the software to close the exploit."),
            ("The website crashed because of too much traffic.", "The online store went down under heavy visitor load."),
            ("Back up your photos to the cloud regularly.", "Keep copies of pictures on remote storage."),
            ("The printer is out of ink again.", "Cartridges are empty once more on the office device that puts documents on paper."),
        ]),
        ("music", [
            ("She practices piano scales every evening.", "Each night she rehearses finger drills on the keys."),
            ("The orchestra performed Beethoven's ninth symphony.", "The philharmonic played the famous Ode to Joy work."),
            ("He tuned his guitar before the concert.", "Adjusting the strings ahead of the gig."),
            ("The band released a new album on Friday.", "The group put out a fresh record at the end of the week."),
            ("The choir sang carols in the church.", "Singers performed Christmas hymns in the chapel."),
        ]),
        ("gardening", [
            ("Water the tomato plants early in the morning.", "Irrigate the vegetable vines at dawn."),
            ("Pull the weeds before they spread across the lawn.", "Remove unwanted growth from the grass before it takes over."),
            ("Plant tulip bulbs in autumn for spring flowers.", "Put blooms in the ground in the fall so they appear after winter."),
            ("Prune the roses after they finish blooming.", "Trim back the thorny shrubs once the flowering ends."),
            ("Add compost to enrich the soil.", "Mix decayed organic matter into the earth for nutrients."),
        ]),
        ("home", [
            ("The kitchen sink is leaking under the cabinet.", "Drips come from the pipe below the basin."),
            ("Paint the bedroom walls a light blue.", "Give the sleeping area a pale azure coat."),
            ("The furnace stopped working in the middle of winter.", "Our heating broke down during the cold season."),
            ("Replace the smoke detector batteries every year.", "Swap the cells in the fire alarm annually."),
            ("A plumber fixed the clogged toilet.", "The blocked lavatory was repaired by a tradesman."),
        ]),
        ("school", [
            ("The students took a chemistry exam on Monday.", "Pupils sat a test on molecules and reactions at the start of the week."),
            ("The teacher assigned an essay about the French revolution.", "Homework: write a paper on the 1789 uprising in France."),
            ("He graduated from university with a degree in physics.", "He earned his diploma studying mechanics and energy at college."),
            ("The library extended its opening hours during finals.", "Book lending stays available later in exam season."),
            ("Children learn to read in the first grade.", "Young kids pick up literacy in their earliest school year."),
        ]),
    ]);

    public static string[] Documents => [.. Items.Select(i => i.Document)];

    public static string[] Queries => [.. Items.Select(i => i.Query)];

    public static string[] Ids => [.. Items.Select(i => i.Id)];

    public static IReadOnlyDictionary<string, object?>[] Metadata =>
        [.. Items.Select(i => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["topic"] = i.Topic })];

    private static readonly HashSet<string> FunctionWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "by", "from", "with", "is", "are", "was", "were",
        "be", "it", "its", "it's", "he", "she", "his", "her", "my", "our", "we", "i", "you", "your", "they", "their", "them",
        "this", "that", "what", "when", "how", "once", "before", "after", "until", "so", "not", "does", "do", "every", "each",
        "all", "too", "much", "very", "more", "most", "some", "up", "out", "off", "into", "over", "under", "below", "above",
        "should", "can", "will", "need", "needs", "now", "again", "than", "since", "because", "while", "during", "there",
        "here", "have", "has", "had", "of", "who", "which", "one", "two", "long", "new", "get", "put", "keep", "keeps",
    };

    /// <summary>The content words of a text, reduced to a crude stem (lower case, common suffixes off, first 5 letters).</summary>
    public static HashSet<string> ContentStems(string text)
    {
        var stems = new HashSet<string>(StringComparer.Ordinal);
        foreach (string raw in text.ToLowerInvariant().Split([' ', ',', '.', '?', '!', ':', ';', '\''], StringSplitOptions.RemoveEmptyEntries))
        {
            if (FunctionWords.Contains(raw) || raw.Length < 3)
            {
                continue;
            }

            string word = raw;
            foreach (string suffix in new[] { "ing", "ed", "es", "s", "ly" })
            {
                if (word.Length > suffix.Length + 3 && word.EndsWith(suffix, StringComparison.Ordinal))
                {
                    word = word[..^suffix.Length];
                    break;
                }
            }

            stems.Add(word.Length > 5 ? word[..5] : word);
        }

        return stems;
    }

    private static Item[] Build((string Topic, (string Document, string Query)[] Pairs)[] topics) =>
        [.. topics.SelectMany(t => t.Pairs.Select((p, i) => new Item($"{t.Topic}-{i}", t.Topic, p.Document, p.Query)))];
}
