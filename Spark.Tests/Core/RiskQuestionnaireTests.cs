using Spark.Core;
using Spark.Core.Accounts;

namespace Spark.Tests.Core;

public class RiskQuestionnaireTests
{
    [Fact]
    public void The_questionnaire_has_nine_questions_of_three_to_five_options_worth_zero_to_four_points()
    {
        var questions = RiskQuestionnaire.Questions;

        Assert.Equal(
            ["age_band", "horizon", "income_stability", "emergency_fund", "experience", "fall_reaction", "goal",
                "savings_share", "loss_tolerance"],
            questions.Select(q => q.Id));
        Assert.All(questions, q =>
        {
            Assert.InRange(q.Options.Count, 3, 5);
            Assert.All(q.Options, o => Assert.InRange(o.Points, 0, 4));
            Assert.Equal(q.Options.Count, q.Options.Select(o => o.Id).Distinct().Count());
            Assert.Contains(q.Options, o => o.Points == 0);
            // Options are listed from least to most risk, with no two worth the same.
            Assert.Equal(q.Options.Select(o => o.Points).Order(), q.Options.Select(o => o.Points));
            Assert.Equal(q.Options.Count, q.Options.Select(o => o.Points).Distinct().Count());
        });
        Assert.Equal(30, RiskQuestionnaire.MaxScore);
        Assert.Equal(30, questions.Sum(q => q.Options.Max(o => o.Points)));
    }

    [Fact]
    public void The_lowest_answer_to_every_question_scores_zero_and_is_conservative()
    {
        var answers = RiskQuestionnaire.Questions.ToDictionary(q => q.Id, q => q.Options.MinBy(o => o.Points)!.Id);

        var assessment = RiskQuestionnaire.Assess(answers);

        Assert.Equal(0, assessment.Score);
        Assert.Equal(30, assessment.MaxScore);
        Assert.Equal(RiskProfile.Conservative, assessment.Profile);
        // Every answer is equally low, so the first two questions are named.
        Assert.Equal(
            "Your score of 0 out of 30 puts you at Conservative, mainly because of your answers on age " +
            "(“60 years or above”) and investment horizon (“Less than 1 year”).",
            assessment.Explanation);
    }

    [Fact]
    public void The_highest_answer_to_every_question_scores_the_maximum_and_is_aggressive()
    {
        var answers = RiskQuestionnaire.Questions.ToDictionary(q => q.Id, q => q.Options.MaxBy(o => o.Points)!.Id);

        var assessment = RiskQuestionnaire.Assess(answers);

        Assert.Equal(30, assessment.Score);
        Assert.Equal(30, assessment.MaxScore);
        Assert.Equal(RiskProfile.Aggressive, assessment.Profile);
    }

    [Fact]
    public void A_typical_salaried_saver_scores_18_of_30_and_is_moderate()
    {
        var answers = new Dictionary<string, string>
        {
            ["age_band"] = "30_44", // 2
            ["horizon"] = "5_10y", // 3
            ["income_stability"] = "regular", // 2
            ["emergency_fund"] = "3_6m", // 2
            ["experience"] = "equity_funds", // 2
            ["fall_reaction"] = "hold", // 2 of 4: exactly the middle
            ["goal"] = "balanced", // 2
            ["savings_share"] = "25_50", // 2
            ["loss_tolerance"] = "upto_50k", // 1
        };

        var assessment = RiskQuestionnaire.Assess(answers);

        Assert.Equal(18, assessment.Score);
        Assert.Equal(RiskProfile.Moderate, assessment.Profile);
        // Nearest the middle: 'hold' (2 of 4) exactly, then the first of the 2-of-3 answers (age).
        Assert.Equal(
            "Your score of 18 out of 30 puts you at Moderate, mainly because of your answers on reaction to a 20% fall " +
            "(“Hold on and wait for prices to recover”) and age (“30 to 44 years”).",
            assessment.Explanation);
    }

    [Fact]
    public void Exactly_40_percent_is_moderate_and_one_point_less_is_conservative()
    {
        var atBoundary = new Dictionary<string, string>
        {
            ["age_band"] = "45_59", // 1
            ["horizon"] = "3_5y", // 2
            ["income_stability"] = "irregular", // 1
            ["emergency_fund"] = "under_3m", // 1
            ["experience"] = "debt_funds", // 1
            ["fall_reaction"] = "sell_some", // 1
            ["goal"] = "income", // 1
            ["savings_share"] = "25_50", // 2
            ["loss_tolerance"] = "upto_1l", // 2
        }; // 12 of 30 = 40% exactly
        var belowBoundary = new Dictionary<string, string>(atBoundary) { ["loss_tolerance"] = "upto_50k" }; // 11

        var at = RiskQuestionnaire.Assess(atBoundary);
        var below = RiskQuestionnaire.Assess(belowBoundary);

        Assert.Equal(12, at.Score);
        Assert.Equal(RiskProfile.Moderate, at.Profile);
        Assert.Equal(11, below.Score);
        Assert.Equal(RiskProfile.Conservative, below.Profile);
    }

    [Fact]
    public void Exactly_70_percent_is_moderate_and_one_point_more_is_aggressive()
    {
        var atBoundary = new Dictionary<string, string>
        {
            ["age_band"] = "30_44", // 2
            ["horizon"] = "5_10y", // 3
            ["income_stability"] = "regular", // 2
            ["emergency_fund"] = "3_6m", // 2
            ["experience"] = "equity_funds", // 2
            ["fall_reaction"] = "continue", // 3
            ["goal"] = "balanced", // 2
            ["savings_share"] = "25_50", // 2
            ["loss_tolerance"] = "upto_2l", // 3
        }; // 21 of 30 = 70% exactly
        var aboveBoundary = new Dictionary<string, string>(atBoundary) { ["goal"] = "max_growth" }; // 22

        var at = RiskQuestionnaire.Assess(atBoundary);
        var above = RiskQuestionnaire.Assess(aboveBoundary);

        Assert.Equal(21, at.Score);
        Assert.Equal(RiskProfile.Moderate, at.Profile);
        Assert.Equal(22, above.Score);
        Assert.Equal(RiskProfile.Aggressive, above.Profile);
    }

    [Fact]
    public void A_conservative_explanation_names_the_two_lowest_answers()
    {
        var answers = new Dictionary<string, string>
        {
            ["age_band"] = "45_59", // 1
            ["horizon"] = "1_3y", // 1
            ["income_stability"] = "irregular", // 1
            ["emergency_fund"] = "none", // 0
            ["experience"] = "debt_funds", // 1
            ["fall_reaction"] = "sell_all", // 0
            ["goal"] = "income", // 1
            ["savings_share"] = "50_75", // 1
            ["loss_tolerance"] = "upto_50k", // 1
        };

        var assessment = RiskQuestionnaire.Assess(answers);

        Assert.Equal(7, assessment.Score);
        Assert.Equal(RiskProfile.Conservative, assessment.Profile);
        Assert.Equal(
            "Your score of 7 out of 30 puts you at Conservative, mainly because of your answers on emergency fund " +
            "(“I have no emergency fund”) and reaction to a 20% fall (“Sell all of it to stop further losses”).",
            assessment.Explanation);
    }

    [Fact]
    public void An_aggressive_explanation_names_the_two_answers_nearest_their_maximum()
    {
        var answers = new Dictionary<string, string>
        {
            ["age_band"] = "30_44", // 2 of 3
            ["horizon"] = "over_10y", // 4 of 4
            ["income_stability"] = "regular", // 2 of 3
            ["emergency_fund"] = "3_6m", // 2 of 3
            ["experience"] = "equity_funds", // 2 of 3
            ["fall_reaction"] = "continue", // 3 of 4
            ["goal"] = "balanced", // 2 of 3
            ["savings_share"] = "25_50", // 2 of 3
            ["loss_tolerance"] = "over_2l", // 4 of 4
        };

        var assessment = RiskQuestionnaire.Assess(answers);

        Assert.Equal(23, assessment.Score);
        Assert.Equal(RiskProfile.Aggressive, assessment.Profile);
        Assert.Equal(
            "Your score of 23 out of 30 puts you at Aggressive, mainly because of your answers on investment horizon " +
            "(“More than 10 years”) and loss tolerance (“More than ₹2 lakh”).",
            assessment.Explanation);
    }

    [Fact]
    public void A_missing_answer_throws_naming_the_question()
    {
        var answers = new Dictionary<string, string>
        {
            ["age_band"] = "30_44",
            ["horizon"] = "5_10y",
            ["income_stability"] = "regular",
            ["emergency_fund"] = "3_6m",
            ["experience"] = "equity_funds",
            ["fall_reaction"] = "hold",
            ["savings_share"] = "25_50",
            ["loss_tolerance"] = "upto_50k",
        };

        var error = Assert.Throws<DomainException>(() => RiskQuestionnaire.Assess(answers));

        Assert.Equal("Please answer the question “What is the main goal of this money?”", error.Message);
    }

    [Fact]
    public void An_unknown_option_throws_naming_the_question_and_the_option()
    {
        var answers = new Dictionary<string, string>
        {
            ["age_band"] = "30_44",
            ["horizon"] = "forever",
            ["income_stability"] = "regular",
            ["emergency_fund"] = "3_6m",
            ["experience"] = "equity_funds",
            ["fall_reaction"] = "hold",
            ["goal"] = "balanced",
            ["savings_share"] = "25_50",
            ["loss_tolerance"] = "upto_50k",
        };

        var error = Assert.Throws<DomainException>(() => RiskQuestionnaire.Assess(answers));

        Assert.Equal(
            "'forever' is not one of the answers to “How long can you stay invested before you need most of this money?”",
            error.Message);
    }

    [Fact]
    public void An_option_id_from_another_question_is_not_accepted()
    {
        // "none" is an option of income_stability, emergency_fund and loss_tolerance, but not of age_band.
        var answers = new Dictionary<string, string>
        {
            ["age_band"] = "none",
            ["horizon"] = "5_10y",
            ["income_stability"] = "regular",
            ["emergency_fund"] = "3_6m",
            ["experience"] = "equity_funds",
            ["fall_reaction"] = "hold",
            ["goal"] = "balanced",
            ["savings_share"] = "25_50",
            ["loss_tolerance"] = "upto_50k",
        };

        var error = Assert.Throws<DomainException>(() => RiskQuestionnaire.Assess(answers));

        Assert.Contains("“Which age group are you in?”", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_question_id_throws_naming_it()
    {
        var answers = new Dictionary<string, string>
        {
            ["age_band"] = "30_44",
            ["horizon"] = "5_10y",
            ["income_stability"] = "regular",
            ["emergency_fund"] = "3_6m",
            ["experience"] = "equity_funds",
            ["fall_reaction"] = "hold",
            ["goal"] = "balanced",
            ["savings_share"] = "25_50",
            ["loss_tolerance"] = "upto_50k",
            ["crypto_holdings"] = "lots",
        };

        var error = Assert.Throws<DomainException>(() => RiskQuestionnaire.Assess(answers));

        Assert.Equal("'crypto_holdings' is not a question in the risk questionnaire.", error.Message);
    }
}
