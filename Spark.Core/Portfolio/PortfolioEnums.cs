namespace Spark.Core.Portfolio;

public enum InvestmentStatus { Active, Sold, Closed }

public enum LotSide { Buy, Sell }

public enum TransactionType { Buy, Sell, Sip, Dividend, Bonus, Split, Interest }

public enum TransactionStatus { Completed, Pending, Failed, Cancelled }
