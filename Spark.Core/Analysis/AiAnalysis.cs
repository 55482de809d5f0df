using System.Text.Json;

namespace Spark.Core.Analysis;

public enum AnalysisType { PortfolioInsight, InvestmentAnalysis, Sentiment, Recommendation }

public enum Recommendation { StrongBuy, Buy, Hold, Sell, StrongSell }

/// <summary>A cached analysis of a security or a portfolio (table ai_analyses).</summary>
public class AiAnalysis
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid? UserId { get; set; }
    public Guid? SecurityId { get; set; }
    public AnalysisType AnalysisType { get; set; }
    public Recommendation? Recommendation { get; set; }
    /// <summary>Fraction 0..1; the column keeps the schema's percent (0..100).</summary>
    public decimal? ConfidenceRate { get; set; }
    public decimal? TargetPrice { get; set; }
    public decimal? StopLoss { get; set; }
    public decimal? HealthScore { get; set; }
    public decimal? ValuationScore { get; set; }
    public decimal? RiskScore { get; set; }
    public JsonDocument? TechnicalIndicators { get; set; }
    public JsonDocument? Fundamentals { get; set; }
    public string[]? Pros { get; set; }
    public string[]? Cons { get; set; }
    public string? Explanation { get; set; }
    public JsonDocument? SectorAnalysis { get; set; }
    public JsonDocument? Predictions { get; set; }
    public JsonDocument? BenchmarkComparison { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset GeneratedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
