namespace Spark.Core.Accounts;

// Enum members are stored as snake_case strings (authenticator_app, face_id): one converter in Spark.Data.

public enum KycStatus { Incomplete, Pending, Verified, Rejected }

public enum RiskProfile { Conservative, Moderate, Aggressive }

public enum UserStatus { Active, Suspended, Deleted }

public enum TwoFactorMethod { Sms, Email, AuthenticatorApp }

public enum BiometricType { Fingerprint, FaceId }

public enum DeviceType { Mobile, Desktop, Tablet }

public enum Theme { Light, Dark, Auto }

public enum NumberFormat { Indian, International }
