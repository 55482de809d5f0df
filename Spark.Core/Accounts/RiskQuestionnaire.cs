namespace Spark.Core.Accounts;

public sealed record RiskOption(string Id, string Text, int Points);

public sealed record RiskQuestion(string Id, string Text, IReadOnlyList<RiskOption> Options);

public sealed record RiskAssessment(int Score, int MaxScore, RiskProfile Profile, string Explanation);

/// <summary>
/// A nine-question risk profiler in the style of Indian fund houses'. Every option scores 0 to 4 points, more for more
/// capacity or willingness to bear risk; the maximum is 30.
/// </summary>
public static class RiskQuestionnaire
{
    // Our own cut-offs, not a regulator's: below 40% of the maximum is Conservative, 40% to 70% (both ends included)
    // is Moderate, above 70% is Aggressive. Both ends of the middle band belong to Moderate so that a borderline
    // investor is never pushed to an extreme. With a maximum of 30 the boundaries are whole scores: 12 and 21.
    private const int ConservativeBelowPercent = 40;
    private const int AggressiveAbovePercent = 70;

    private static readonly (RiskQuestion Question, string Topic)[] Items =
    [
        (new("age_band", "Which age group are you in?",
        [
            new("60_plus", "60 years or above", 0),
            new("45_59", "45 to 59 years", 1),
            new("30_44", "30 to 44 years", 2),
            new("under_30", "Under 30 years", 3),
        ]), "age"),
        (new("horizon", "How long can you stay invested before you need most of this money?",
        [
            new("under_1y", "Less than 1 year", 0),
            new("1_3y", "1 to 3 years", 1),
            new("3_5y", "3 to 5 years", 2),
            new("5_10y", "5 to 10 years", 3),
            new("over_10y", "More than 10 years", 4),
        ]), "investment horizon"),
        (new("income_stability", "How steady is your income?",
        [
            new("none", "I have no regular income at present", 0),
            new("irregular", "Irregular, from business, freelance work or commission", 1),
            new("regular", "Regular, from a salary, pension or rent", 2),
            new("regular_growing", "Regular and growing, with more than one source", 3),
        ]), "income"),
        (new("emergency_fund", "If your income stopped, for how long could your other savings meet household expenses?",
        [
            new("none", "I have no emergency fund", 0),
            new("under_3m", "Less than 3 months", 1),
            new("3_6m", "3 to 6 months", 2),
            new("over_6m", "More than 6 months", 3),
        ]), "emergency fund"),
        (new("experience", "Which of these have you invested in before?",
        [
            new("deposits_only", "Only bank FDs, PPF or post office schemes", 0),
            new("debt_funds", "Debt or hybrid mutual funds", 1),
            new("equity_funds", "Equity mutual funds, for example through SIPs", 2),
            new("shares", "Direct shares, for more than 3 years", 3),
        ]), "investing experience"),
        (new("fall_reaction", "Suppose your investments fell by 20% within a few months. What would you do?",
        [
            new("sell_all", "Sell all of it to stop further losses", 0),
            new("sell_some", "Sell a part of it", 1),
            new("hold", "Hold on and wait for prices to recover", 2),
            new("continue", "Keep investing as planned, including my SIPs", 3),
            new("buy_more", "Invest more while prices are low", 4),
        ]), "reaction to a 20% fall"),
        (new("goal", "What is the main goal of this money?",
        [
            new("preserve", "Keeping my capital safe", 0),
            new("income", "Regular income with some growth", 1),
            new("balanced", "Steady growth over time", 2),
            new("max_growth", "The highest long-term growth, even with large ups and downs", 3),
        ]), "goal"),
        // A smaller share scores higher: this is capacity, not appetite. A fall hurts less when most of one's savings
        // sits elsewhere, while putting everything in leaves nothing to fall back on.
        (new("savings_share", "What share of your total savings will you invest this way?",
        [
            new("over_75", "More than 75%", 0),
            new("50_75", "Between 50% and 75%", 1),
            new("25_50", "Between 25% and 50%", 2),
            new("under_25", "Less than 25%", 3),
        ]), "share of savings invested"),
        (new("loss_tolerance", "If you invest ₹10 lakh, what is the largest loss in one year you could live with?",
        [
            new("none", "None: I cannot accept a loss", 0),
            new("upto_50k", "Up to ₹50,000 (5%)", 1),
            new("upto_1l", "Up to ₹1 lakh (10%)", 2),
            new("upto_2l", "Up to ₹2 lakh (20%)", 3),
            new("over_2l", "More than ₹2 lakh", 4),
        ]), "loss tolerance"),
    ];

    public static IReadOnlyList<RiskQuestion> Questions { get; } = Array.AsReadOnly(Items.Select(i => i.Question).ToArray());

    public static int MaxScore { get; } = Items.Sum(i => i.Question.Options.Max(o => o.Points));

    /// <param name="answers">Question id to option id, one for every question.</param>
    /// <exception cref="DomainException">A question is unanswered, or an id is not part of the questionnaire.</exception>
    public static RiskAssessment Assess(IReadOnlyDictionary<string, string> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);

        foreach (var questionId in answers.Keys)
        {
            if (!Items.Any(i => i.Question.Id == questionId))
                throw new DomainException($"'{questionId}' is not a question in the risk questionnaire.");
        }

        var chosen = new List<Chosen>(Items.Length);
        foreach (var (question, topic) in Items)
        {
            if (!answers.TryGetValue(question.Id, out var optionId) || string.IsNullOrEmpty(optionId))
                throw new DomainException($"Please answer the question “{question.Text}”");

            var option = question.Options.FirstOrDefault(o => o.Id == optionId)
                ?? throw new DomainException($"'{optionId}' is not one of the answers to “{question.Text}”");

            chosen.Add(new Chosen(topic, option, question.Options.Max(o => o.Points)));
        }

        var score = chosen.Sum(c => c.Option.Points);
        var profile = ProfileFor(score, MaxScore);
        var reasons = chosen.OrderBy(c => c, PullToward(profile)).Take(2).ToArray();

        var explanation =
            $"Your score of {score} out of {MaxScore} puts you at {profile}, mainly because of your answers on " +
            $"{reasons[0].Topic} (“{reasons[0].Option.Text}”) and {reasons[1].Topic} (“{reasons[1].Option.Text}”).";

        return new RiskAssessment(score, MaxScore, profile, explanation);
    }

    // Integer cross-multiplication keeps the exact boundaries exact; 12/30 as a double is not exactly 0.4.
    private static RiskProfile ProfileFor(int score, int maxScore) =>
        score * 100 < maxScore * ConservativeBelowPercent ? RiskProfile.Conservative
        : score * 100 > maxScore * AggressiveAbovePercent ? RiskProfile.Aggressive
        : RiskProfile.Moderate;

    // Answers are compared by their share of their own question's maximum, so a 3 out of 3 counts as much as a
    // 4 out of 4. Conservative: the lowest shares first; Aggressive: the highest; Moderate: those nearest the middle.
    // OrderBy is stable, so ties keep the questionnaire's order.
    private static Comparer<Chosen> PullToward(RiskProfile profile) => profile switch
    {
        RiskProfile.Conservative => Comparer<Chosen>.Create((a, b) =>
            (a.Option.Points * b.QuestionMax).CompareTo(b.Option.Points * a.QuestionMax)),
        RiskProfile.Aggressive => Comparer<Chosen>.Create((a, b) =>
            (b.Option.Points * a.QuestionMax).CompareTo(a.Option.Points * b.QuestionMax)),
        _ => Comparer<Chosen>.Create((a, b) =>
            (Math.Abs((2 * a.Option.Points) - a.QuestionMax) * b.QuestionMax)
            .CompareTo(Math.Abs((2 * b.Option.Points) - b.QuestionMax) * a.QuestionMax)),
    };

    private sealed record Chosen(string Topic, RiskOption Option, int QuestionMax);
}
