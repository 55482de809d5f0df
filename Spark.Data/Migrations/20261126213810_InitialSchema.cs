using System;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;
using Spark.Data;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "auto_invest_strategies",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    description = table.Column<string>(type: "text", nullable: true),
                    risk_level = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    expected_returns = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: true),
                    min_investment = table.Column<decimal>(type: "numeric(10,2)", precision: 10, scale: 2, nullable: false),
                    allocation = table.Column<string>(type: "jsonb", nullable: false),
                    rebalancing_frequency = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "quarterly"),
                    ai_confidence = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: true),
                    is_active = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    popularity_score = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    backtesting_data = table.Column<JsonDocument>(type: "jsonb", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_auto_invest_strategies", x => x.id);
                    table.CheckConstraint("ck_auto_invest_strategies_rebalancing_frequency", "rebalancing_frequency IN ('monthly', 'quarterly', 'yearly')");
                    table.CheckConstraint("ck_auto_invest_strategies_risk_level", "risk_level IN ('very_high', 'high', 'medium', 'low')");
                });

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    friendly_name = table.Column<string>(type: "text", nullable: true),
                    xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_protection_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "roles",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalized_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    concurrency_stamp = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_roles", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "securities",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    symbol = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    isin = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    exchange = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    sector = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    industry = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    market_cap = table.Column<decimal>(type: "numeric(20,2)", precision: 20, scale: 2, nullable: true),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false, defaultValue: "INR"),
                    lot_size = table.Column<int>(type: "integer", nullable: false, defaultValue: 1),
                    is_active = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    metadata = table.Column<JsonDocument>(type: "jsonb", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_securities", x => x.id);
                    table.UniqueConstraint("unique_symbol", x => x.symbol);
                    table.CheckConstraint("ck_securities_type", "type IN ('stock', 'mutual_fund', 'etf', 'crypto', 'bond')");
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    dob = table.Column<DateOnly>(type: "date", nullable: true),
                    pan_card = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    pan_card_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    kyc_status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "incomplete"),
                    annual_income = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    risk_profile = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "moderate"),
                    investment_goals = table.Column<string[]>(type: "text[]", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "active"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    deleted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    user_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    normalized_user_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    email = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    normalized_email = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    email_verified = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false),
                    password_hash = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    security_stamp = table.Column<string>(type: "text", nullable: true),
                    concurrency_stamp = table.Column<string>(type: "text", nullable: true),
                    phone = table.Column<string>(type: "character varying(15)", maxLength: 15, nullable: true),
                    phone_verified = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false),
                    two_factor_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    lockout_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lockout_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    access_failed_count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.id);
                    table.CheckConstraint("ck_users_kyc_status", "kyc_status IN ('incomplete', 'pending', 'verified', 'rejected')");
                    table.CheckConstraint("ck_users_risk_profile", "risk_profile IN ('conservative', 'moderate', 'aggressive')");
                    table.CheckConstraint("ck_users_status", "status IN ('active', 'suspended', 'deleted')");
                });

            migrationBuilder.CreateTable(
                name: "role_claims",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    role_id = table.Column<Guid>(type: "uuid", nullable: false),
                    claim_type = table.Column<string>(type: "text", nullable: true),
                    claim_value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_role_claims", x => x.id);
                    table.ForeignKey(
                        name: "fk_role_claims_roles_role_id",
                        column: x => x.role_id,
                        principalTable: "roles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "market_data_daily",
                columns: table => new
                {
                    security_id = table.Column<Guid>(type: "uuid", nullable: false),
                    trade_date = table.Column<DateOnly>(type: "date", nullable: false),
                    open = table.Column<decimal>(type: "numeric(15,4)", precision: 15, scale: 4, nullable: false),
                    high = table.Column<decimal>(type: "numeric(15,4)", precision: 15, scale: 4, nullable: false),
                    low = table.Column<decimal>(type: "numeric(15,4)", precision: 15, scale: 4, nullable: false),
                    close = table.Column<decimal>(type: "numeric(15,4)", precision: 15, scale: 4, nullable: false),
                    volume = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_market_data_daily", x => new { x.security_id, x.trade_date });
                    table.CheckConstraint("ck_market_data_daily_range", "low <= high AND open BETWEEN low AND high AND close BETWEEN low AND high AND volume >= 0");
                    table.ForeignKey(
                        name: "fk_market_data_daily_securities_security_id",
                        column: x => x.security_id,
                        principalTable: "securities",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ai_analyses",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    security_id = table.Column<Guid>(type: "uuid", nullable: true),
                    analysis_type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    recommendation = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    confidence = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: true),
                    target_price = table.Column<decimal>(type: "numeric(15,4)", precision: 15, scale: 4, nullable: true),
                    stop_loss = table.Column<decimal>(type: "numeric(15,4)", precision: 15, scale: 4, nullable: true),
                    health_score = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: true),
                    valuation_score = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: true),
                    risk_score = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: true),
                    technical_indicators = table.Column<JsonDocument>(type: "jsonb", nullable: true),
                    fundamentals = table.Column<JsonDocument>(type: "jsonb", nullable: true),
                    pros = table.Column<string[]>(type: "text[]", nullable: true),
                    cons = table.Column<string[]>(type: "text[]", nullable: true),
                    explanation = table.Column<string>(type: "text", nullable: true),
                    sector_analysis = table.Column<JsonDocument>(type: "jsonb", nullable: true),
                    predictions = table.Column<JsonDocument>(type: "jsonb", nullable: true),
                    benchmark_comparison = table.Column<JsonDocument>(type: "jsonb", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    generated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ai_analyses", x => x.id);
                    table.CheckConstraint("check_ai_confidence_range", "confidence >= 0 AND confidence <= 100");
                    table.CheckConstraint("ck_ai_analyses_analysis_type", "analysis_type IN ('portfolio_insight', 'investment_analysis', 'sentiment', 'recommendation')");
                    table.CheckConstraint("ck_ai_analyses_recommendation", "recommendation IN ('strong_buy', 'buy', 'hold', 'sell', 'strong_sell')");
                    table.ForeignKey(
                        name: "fk_ai_analyses_securities_security_id",
                        column: x => x.security_id,
                        principalTable: "securities",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_ai_analyses_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "cash_accounts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false, defaultValue: "INR"),
                    balance = table.Column<decimal>(type: "numeric(15,2)", precision: 15, scale: 2, nullable: false, defaultValue: 0m),
                    blocked = table.Column<decimal>(type: "numeric(15,2)", precision: 15, scale: 2, nullable: false, defaultValue: 0m),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cash_accounts", x => x.id);
                    table.CheckConstraint("ck_cash_accounts_balance_non_negative", "balance >= 0");
                    table.CheckConstraint("ck_cash_accounts_blocked_within_balance", "blocked >= 0 AND blocked <= balance");
                    table.ForeignKey(
                        name: "fk_cash_accounts_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "goals",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    category = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    target_amount = table.Column<decimal>(type: "numeric(15,2)", precision: 15, scale: 2, nullable: false),
                    current_amount = table.Column<decimal>(type: "numeric(15,2)", precision: 15, scale: 2, nullable: false, defaultValue: 0m),
                    target_date = table.Column<DateOnly>(type: "date", nullable: false),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
                    monthly_contribution = table.Column<decimal>(type: "numeric(10,2)", precision: 10, scale: 2, nullable: false, defaultValue: 0m),
                    priority = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "medium"),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "active"),
                    description = table.Column<string>(type: "text", nullable: true),
                    risk_profile = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "moderate"),
                    expected_returns = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: false, defaultValue: 12.00m),
                    investment_mix = table.Column<string>(type: "jsonb", nullable: true),
                    linked_investment_ids = table.Column<Guid[]>(type: "uuid[]", nullable: true),
                    achieved_date = table.Column<DateOnly>(type: "date", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    deleted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_goals", x => x.id);
                    table.CheckConstraint("check_goals_target_future", "target_date > start_date");
                    table.CheckConstraint("check_goals_target_positive", "target_amount > 0");
                    table.CheckConstraint("ck_goals_category", "category IN ('retirement', 'house', 'education', 'wedding', 'emergency', 'custom')");
                    table.CheckConstraint("ck_goals_priority", "priority IN ('critical', 'high', 'medium', 'low')");
                    table.CheckConstraint("ck_goals_risk_profile", "risk_profile IN ('conservative', 'moderate', 'aggressive')");
                    table.CheckConstraint("ck_goals_status", "status IN ('active', 'achieved', 'paused', 'cancelled')");
                    table.ForeignKey(
                        name: "fk_goals_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "platform_connections",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    platform = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "connected"),
                    api_key = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    api_secret = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    additional_auth = table.Column<JsonDocument>(type: "jsonb", nullable: true),
                    last_synced = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sync_frequency_minutes = table.Column<int>(type: "integer", nullable: false, defaultValue: 60),
                    auto_sync_enabled = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    holdings_count = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    total_value = table.Column<decimal>(type: "numeric(15,2)", precision: 15, scale: 2, nullable: false, defaultValue: 0m),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    disconnected_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_platform_connections", x => x.id);
                    table.CheckConstraint("ck_platform_connections_status", "status IN ('connected', 'disconnected', 'syncing', 'error')");
                    table.ForeignKey(
                        name: "fk_platform_connections_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "trading_orders",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    security_id = table.Column<Guid>(type: "uuid", nullable: false),
                    symbol = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    side = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    quantity = table.Column<decimal>(type: "numeric(15,6)", precision: 15, scale: 6, nullable: false),
                    filled_quantity = table.Column<decimal>(type: "numeric(15,6)", precision: 15, scale: 6, nullable: false, defaultValue: 0m),
                    price = table.Column<decimal>(type: "numeric(15,4)", precision: 15, scale: 4, nullable: true),
                    avg_execution_price = table.Column<decimal>(type: "numeric(15,4)", precision: 15, scale: 4, nullable: true),
                    total_cost = table.Column<decimal>(type: "numeric(15,2)", precision: 15, scale: 2, nullable: true),
                    fees = table.Column<decimal>(type: "numeric(10,2)", precision: 10, scale: 2, nullable: true),
                    platform = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "pending"),
                    validity = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "day"),
                    stop_loss = table.Column<decimal>(type: "numeric(15,4)", precision: 15, scale: 4, nullable: true),
                    target_price = table.Column<decimal>(type: "numeric(15,4)", precision: 15, scale: 4, nullable: true),
                    platform_order_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    rejection_reason = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    placed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    executed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cancelled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_trading_orders", x => x.id);
                    table.CheckConstraint("check_orders_filled_quantity", "filled_quantity <= quantity");
                    table.CheckConstraint("check_orders_quantity_positive", "quantity > 0");
                    table.CheckConstraint("ck_trading_orders_side", "side IN ('buy', 'sell')");
                    table.CheckConstraint("ck_trading_orders_status", "status IN ('pending', 'placed', 'partially_filled', 'executed', 'cancelled', 'rejected')");
                    table.CheckConstraint("ck_trading_orders_type", "type IN ('market', 'limit', 'stop_loss', 'bracket')");
                    table.CheckConstraint("ck_trading_orders_validity", "validity IN ('day', 'ioc', 'gtc')");
                    table.ForeignKey(
                        name: "fk_trading_orders_securities_security_id",
                        column: x => x.security_id,
                        principalTable: "securities",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_trading_orders_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_claims",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    claim_type = table.Column<string>(type: "text", nullable: true),
                    claim_value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_claims", x => x.id);
                    table.ForeignKey(
                        name: "fk_user_claims_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_logins",
                columns: table => new
                {
                    login_provider = table.Column<string>(type: "text", nullable: false),
                    provider_key = table.Column<string>(type: "text", nullable: false),
                    provider_display_name = table.Column<string>(type: "text", nullable: true),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_logins", x => new { x.login_provider, x.provider_key });
                    table.ForeignKey(
                        name: "fk_user_logins_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_notifications",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    title = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    message = table.Column<string>(type: "text", nullable: false),
                    icon = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    link = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    is_read = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false),
                    priority = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "normal"),
                    metadata = table.Column<JsonDocument>(type: "jsonb", nullable: true),
                    read_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_notifications", x => x.id);
                    table.CheckConstraint("ck_user_notifications_priority", "priority IN ('high', 'normal', 'low')");
                    table.ForeignKey(
                        name: "fk_user_notifications_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_preferences",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    theme = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false, defaultValue: "light"),
                    language = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false, defaultValue: "en"),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false, defaultValue: "INR"),
                    timezone = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false, defaultValue: "Asia/Kolkata"),
                    date_format = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "DD/MM/YYYY"),
                    number_format = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "indian"),
                    default_view = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false, defaultValue: "dashboard"),
                    chart_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "line"),
                    data_refresh_interval = table.Column<int>(type: "integer", nullable: false, defaultValue: 60),
                    items_per_page = table.Column<int>(type: "integer", nullable: false, defaultValue: 20),
                    email_market_alerts = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    email_price_alerts = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    email_portfolio_updates = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    email_transaction_confirmations = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    email_monthly_reports = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    email_ai_recommendations = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    email_news_digest = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false),
                    sms_transaction_alerts = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    sms_security_alerts = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    sms_login_alerts = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    sms_payment_reminders = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false),
                    push_market_movements = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    push_goal_milestones = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    push_auto_invest_executions = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    push_portfolio_changes = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    push_daily_summary = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false),
                    price_alert_frequency = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "instant"),
                    portfolio_update_frequency = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "daily"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_preferences", x => x.id);
                    table.CheckConstraint("ck_user_preferences_language", "language IN ('en', 'hi', 'mr', 'ta', 'te', 'bn')");
                    table.CheckConstraint("ck_user_preferences_number_format", "number_format IN ('indian', 'international')");
                    table.CheckConstraint("ck_user_preferences_theme", "theme IN ('light', 'dark', 'auto')");
                    table.ForeignKey(
                        name: "fk_user_preferences_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_roles",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    role_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_roles", x => new { x.user_id, x.role_id });
                    table.ForeignKey(
                        name: "fk_user_roles_roles_role_id",
                        column: x => x.role_id,
                        principalTable: "roles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_user_roles_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_security",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    two_factor_enabled = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false),
                    two_factor_method = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    two_factor_secret = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    backup_codes = table.Column<string[]>(type: "text[]", nullable: true),
                    biometric_enabled = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false),
                    biometric_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    session_timeout_minutes = table.Column<int>(type: "integer", nullable: false, defaultValue: 30),
                    login_alerts_enabled = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    failed_login_attempts = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    account_locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_password_change = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    password_reset_token = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    password_reset_expires = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_security", x => x.id);
                    table.CheckConstraint("ck_user_security_biometric_type", "biometric_type IN ('fingerprint', 'face_id')");
                    table.CheckConstraint("ck_user_security_two_factor_method", "two_factor_method IN ('sms', 'email', 'authenticator_app')");
                    table.ForeignKey(
                        name: "fk_user_security_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_sessions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    token_hash = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    refresh_token_hash = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    device_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    device_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    browser = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    os = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ip_address = table.Column<IPAddress>(type: "inet", nullable: true),
                    location = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    is_trusted_device = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    last_activity = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    revoked = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_sessions", x => x.id);
                    table.CheckConstraint("ck_user_sessions_device_type", "device_type IN ('mobile', 'desktop', 'tablet')");
                    table.ForeignKey(
                        name: "fk_user_sessions_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_tokens",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    login_provider = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_tokens", x => new { x.user_id, x.login_provider, x.name });
                    table.ForeignKey(
                        name: "fk_user_tokens_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "auto_invest_plans",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    strategy_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "active"),
                    monthly_investment = table.Column<decimal>(type: "numeric(10,2)", precision: 10, scale: 2, nullable: false),
                    execution_day = table.Column<int>(type: "integer", nullable: false),
                    auto_rebalance = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    invested_amount = table.Column<decimal>(type: "numeric(15,2)", precision: 15, scale: 2, nullable: false, defaultValue: 0m),
                    current_value = table.Column<decimal>(type: "numeric(15,2)", precision: 15, scale: 2, nullable: false, defaultValue: 0m),
                    returns = table.Column<decimal>(type: "numeric(15,2)", precision: 15, scale: 2, nullable: false, defaultValue: 0m),
                    returns_percentage = table.Column<decimal>(type: "numeric(10,4)", precision: 10, scale: 4, nullable: false, defaultValue: 0m),
                    linked_goal_id = table.Column<Guid>(type: "uuid", nullable: true),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
                    next_execution_date = table.Column<DateOnly>(type: "date", nullable: true),
                    last_execution_date = table.Column<DateOnly>(type: "date", nullable: true),
                    pause_reason = table.Column<string>(type: "text", nullable: true),
                    paused_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cancelled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_auto_invest_plans", x => x.id);
                    table.CheckConstraint("auto_invest_plans_execution_day_check", "execution_day BETWEEN 1 AND 28");
                    table.CheckConstraint("ck_auto_invest_plans_status", "status IN ('active', 'paused', 'cancelled', 'completed')");
                    table.ForeignKey(
                        name: "fk_auto_invest_plans_goals_linked_goal_id",
                        column: x => x.linked_goal_id,
                        principalTable: "goals",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_auto_invest_plans_strategies_strategy_id",
                        column: x => x.strategy_id,
                        principalTable: "auto_invest_strategies",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_auto_invest_plans_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "goal_contributions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    goal_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount = table.Column<decimal>(type: "numeric(10,2)", precision: 10, scale: 2, nullable: false),
                    source = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false, defaultValue: "manual"),
                    contribution_date = table.Column<DateOnly>(type: "date", nullable: false),
                    note = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_goal_contributions", x => x.id);
                    table.CheckConstraint("ck_goal_contributions_source", "source IN ('manual', 'auto', 'investment_returns', 'dividend')");
                    table.ForeignKey(
                        name: "fk_goal_contributions_goals_goal_id",
                        column: x => x.goal_id,
                        principalTable: "goals",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_goal_contributions_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "investments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    security_id = table.Column<Guid>(type: "uuid", nullable: false),
                    platform_connection_id = table.Column<Guid>(type: "uuid", nullable: true),
                    platform = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false, defaultValue: "manual"),
                    symbol = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    quantity = table.Column<decimal>(type: "numeric(15,6)", precision: 15, scale: 6, nullable: false),
                    avg_buy_price = table.Column<decimal>(type: "numeric(15,4)", precision: 15, scale: 4, nullable: false),
                    invested_amount = table.Column<decimal>(type: "numeric(15,2)", precision: 15, scale: 2, nullable: false),
                    current_price = table.Column<decimal>(type: "numeric(15,4)", precision: 15, scale: 4, nullable: true),
                    current_value = table.Column<decimal>(type: "numeric(15,2)", precision: 15, scale: 2, nullable: true),
                    returns = table.Column<decimal>(type: "numeric(15,2)", precision: 15, scale: 2, nullable: true),
                    returns_percentage = table.Column<decimal>(type: "numeric(10,4)", precision: 10, scale: 4, nullable: true),
                    day_change = table.Column<decimal>(type: "numeric(15,2)", precision: 15, scale: 2, nullable: true),
                    day_change_percentage = table.Column<decimal>(type: "numeric(10,4)", precision: 10, scale: 4, nullable: true),
                    sector = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    purchase_date = table.Column<DateOnly>(type: "date", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "active"),
                    last_updated = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_investments", x => x.id);
                    table.CheckConstraint("check_investments_quantity_positive", "quantity > 0 OR (quantity = 0 AND status IN ('sold', 'closed'))");
                    table.CheckConstraint("ck_investments_status", "status IN ('active', 'sold', 'closed')");
                    table.CheckConstraint("ck_investments_type", "type IN ('stock', 'mutual_fund', 'etf', 'crypto', 'bond')");
                    table.ForeignKey(
                        name: "fk_investments_platform_connections_platform_connection_id",
                        column: x => x.platform_connection_id,
                        principalTable: "platform_connections",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_investments_securities_security_id",
                        column: x => x.security_id,
                        principalTable: "securities",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_investments_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "sync_logs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    connection_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sync_type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    holdings_fetched = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    transactions_fetched = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    error_message = table.Column<string>(type: "text", nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    duration_seconds = table.Column<int>(type: "integer", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sync_logs", x => x.id);
                    table.CheckConstraint("ck_sync_logs_status", "status IN ('pending', 'in_progress', 'completed', 'failed')");
                    table.CheckConstraint("ck_sync_logs_sync_type", "sync_type IN ('manual', 'auto', 'scheduled')");
                    table.ForeignKey(
                        name: "fk_sync_logs_platform_connections_connection_id",
                        column: x => x.connection_id,
                        principalTable: "platform_connections",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "cash_ledger",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    entry_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    amount = table.Column<decimal>(type: "numeric(15,2)", precision: 15, scale: 2, nullable: false),
                    balance_after = table.Column<decimal>(type: "numeric(15,2)", precision: 15, scale: 2, nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: true),
                    settles_on = table.Column<DateOnly>(type: "date", nullable: false),
                    description = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cash_ledger", x => x.id);
                    table.CheckConstraint("ck_cash_ledger_balance_after_non_negative", "balance_after >= 0");
                    table.CheckConstraint("ck_cash_ledger_entry_type", "entry_type IN ('deposit', 'withdrawal', 'buy', 'sell', 'charges', 'adjustment')");
                    table.ForeignKey(
                        name: "fk_cash_ledger_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "trading_orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_cash_ledger_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "order_executions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    quantity = table.Column<decimal>(type: "numeric(15,6)", precision: 15, scale: 6, nullable: false),
                    price = table.Column<decimal>(type: "numeric(15,4)", precision: 15, scale: 4, nullable: false),
                    amount = table.Column<decimal>(type: "numeric(15,2)", precision: 15, scale: 2, nullable: false),
                    charges = table.Column<decimal>(type: "numeric(10,2)", precision: 10, scale: 2, nullable: false, defaultValue: 0m),
                    transaction_id = table.Column<Guid>(type: "uuid", nullable: true),
                    platform_execution_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    executed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_executions", x => x.id);
                    table.CheckConstraint("ck_order_executions_price_positive", "price > 0");
                    table.CheckConstraint("ck_order_executions_quantity_positive", "quantity > 0");
                    table.ForeignKey(
                        name: "fk_order_executions_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "trading_orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_order_executions_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "plan_executions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    plan_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    execution_date = table.Column<DateOnly>(type: "date", nullable: false),
                    amount_invested = table.Column<decimal>(type: "numeric(10,2)", precision: 10, scale: 2, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    orders_placed = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    orders_executed = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    allocation_details = table.Column<JsonDocument>(type: "jsonb", nullable: true),
                    error_message = table.Column<string>(type: "text", nullable: true),
                    executed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plan_executions", x => x.id);
                    table.CheckConstraint("ck_plan_executions_status", "status IN ('completed', 'failed', 'partial', 'pending')");
                    table.ForeignKey(
                        name: "fk_plan_executions_auto_invest_plans_plan_id",
                        column: x => x.plan_id,
                        principalTable: "auto_invest_plans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_plan_executions_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "investment_holdings",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    investment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    transaction_date = table.Column<DateOnly>(type: "date", nullable: false),
                    quantity = table.Column<decimal>(type: "numeric(15,6)", precision: 15, scale: 6, nullable: false),
                    price = table.Column<decimal>(type: "numeric(15,4)", precision: 15, scale: 4, nullable: false),
                    amount = table.Column<decimal>(type: "numeric(15,2)", precision: 15, scale: 2, nullable: false),
                    type = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    remaining_quantity = table.Column<decimal>(type: "numeric(15,6)", precision: 15, scale: 6, nullable: false),
                    fees = table.Column<decimal>(type: "numeric(10,2)", precision: 10, scale: 2, nullable: false, defaultValue: 0m),
                    tax = table.Column<decimal>(type: "numeric(10,2)", precision: 10, scale: 2, nullable: false, defaultValue: 0m),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_investment_holdings", x => x.id);
                    table.CheckConstraint("ck_investment_holdings_remaining_quantity", "remaining_quantity >= 0 AND remaining_quantity <= quantity");
                    table.CheckConstraint("ck_investment_holdings_type", "type IN ('buy', 'sell')");
                    table.ForeignKey(
                        name: "fk_investment_holdings_investments_investment_id",
                        column: x => x.investment_id,
                        principalTable: "investments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_investment_holdings_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "idx_ai_analyses_expires_at",
                table: "ai_analyses",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "idx_ai_analyses_security_id",
                table: "ai_analyses",
                column: "security_id");

            migrationBuilder.CreateIndex(
                name: "idx_ai_analyses_type",
                table: "ai_analyses",
                column: "analysis_type");

            migrationBuilder.CreateIndex(
                name: "idx_ai_analyses_user_id",
                table: "ai_analyses",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "idx_auto_invest_plans_next_execution",
                table: "auto_invest_plans",
                column: "next_execution_date");

            migrationBuilder.CreateIndex(
                name: "idx_auto_invest_plans_status",
                table: "auto_invest_plans",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "idx_auto_invest_plans_strategy_id",
                table: "auto_invest_plans",
                column: "strategy_id");

            migrationBuilder.CreateIndex(
                name: "idx_auto_invest_plans_user_id",
                table: "auto_invest_plans",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_auto_invest_plans_linked_goal_id",
                table: "auto_invest_plans",
                column: "linked_goal_id");

            migrationBuilder.CreateIndex(
                name: "auto_invest_strategies_name_key",
                table: "auto_invest_strategies",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "idx_auto_invest_strategies_is_active",
                table: "auto_invest_strategies",
                column: "is_active");

            migrationBuilder.CreateIndex(
                name: "idx_auto_invest_strategies_risk_level",
                table: "auto_invest_strategies",
                column: "risk_level");

            migrationBuilder.CreateIndex(
                name: "cash_accounts_user_id_key",
                table: "cash_accounts",
                column: "user_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "idx_cash_ledger_order_id",
                table: "cash_ledger",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "idx_cash_ledger_user_created",
                table: "cash_ledger",
                columns: new[] { "user_id", "created_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "idx_goal_contributions_date",
                table: "goal_contributions",
                column: "contribution_date");

            migrationBuilder.CreateIndex(
                name: "idx_goal_contributions_goal_id",
                table: "goal_contributions",
                column: "goal_id");

            migrationBuilder.CreateIndex(
                name: "idx_goal_contributions_user_id",
                table: "goal_contributions",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "idx_goals_category",
                table: "goals",
                column: "category");

            migrationBuilder.CreateIndex(
                name: "idx_goals_status",
                table: "goals",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "idx_goals_target_date",
                table: "goals",
                column: "target_date");

            migrationBuilder.CreateIndex(
                name: "idx_goals_user_id",
                table: "goals",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "idx_goals_user_status_date",
                table: "goals",
                columns: new[] { "user_id", "status", "target_date" });

            migrationBuilder.CreateIndex(
                name: "unique_user_goal_name",
                table: "goals",
                columns: new[] { "user_id", "name" },
                unique: true,
                filter: "deleted_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "idx_investment_holdings_investment_id",
                table: "investment_holdings",
                column: "investment_id");

            migrationBuilder.CreateIndex(
                name: "idx_investment_holdings_transaction_date",
                table: "investment_holdings",
                column: "transaction_date");

            migrationBuilder.CreateIndex(
                name: "idx_investment_holdings_user_id",
                table: "investment_holdings",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "idx_investments_active",
                table: "investments",
                column: "user_id",
                filter: "status = 'active'");

            migrationBuilder.CreateIndex(
                name: "idx_investments_platform_connection_id",
                table: "investments",
                column: "platform_connection_id");

            migrationBuilder.CreateIndex(
                name: "idx_investments_security_id",
                table: "investments",
                column: "security_id");

            migrationBuilder.CreateIndex(
                name: "idx_investments_status",
                table: "investments",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "idx_investments_type",
                table: "investments",
                column: "type");

            migrationBuilder.CreateIndex(
                name: "idx_investments_user_id",
                table: "investments",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "idx_investments_user_status_type",
                table: "investments",
                columns: new[] { "user_id", "status", "type" });

            migrationBuilder.CreateIndex(
                name: "ux_investments_user_security_platform",
                table: "investments",
                columns: new[] { "user_id", "security_id", "platform" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "idx_market_data_daily_trade_date",
                table: "market_data_daily",
                column: "trade_date");

            migrationBuilder.CreateIndex(
                name: "idx_order_executions_order_id",
                table: "order_executions",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "idx_order_executions_user_id",
                table: "order_executions",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ux_order_executions_platform_execution",
                table: "order_executions",
                columns: new[] { "order_id", "platform_execution_id" },
                unique: true,
                filter: "platform_execution_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "idx_plan_executions_date",
                table: "plan_executions",
                column: "execution_date",
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "idx_plan_executions_plan_date",
                table: "plan_executions",
                columns: new[] { "plan_id", "execution_date" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "idx_plan_executions_plan_id",
                table: "plan_executions",
                column: "plan_id");

            migrationBuilder.CreateIndex(
                name: "idx_plan_executions_user_id",
                table: "plan_executions",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ux_plan_executions_plan_date",
                table: "plan_executions",
                columns: new[] { "plan_id", "execution_date" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "idx_platform_connections_platform",
                table: "platform_connections",
                column: "platform");

            migrationBuilder.CreateIndex(
                name: "idx_platform_connections_user_id",
                table: "platform_connections",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "idx_platform_connections_user_platform",
                table: "platform_connections",
                columns: new[] { "user_id", "platform" },
                unique: true,
                filter: "status = 'connected'");

            migrationBuilder.CreateIndex(
                name: "unique_user_platform_active",
                table: "platform_connections",
                columns: new[] { "user_id", "platform" },
                unique: true,
                filter: "status = 'connected'");

            migrationBuilder.CreateIndex(
                name: "ix_role_claims_role_id",
                table: "role_claims",
                column: "role_id");

            migrationBuilder.CreateIndex(
                name: "ix_roles_normalized_name",
                table: "roles",
                column: "normalized_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "idx_securities_is_active",
                table: "securities",
                column: "is_active");

            migrationBuilder.CreateIndex(
                name: "idx_securities_sector",
                table: "securities",
                column: "sector");

            migrationBuilder.CreateIndex(
                name: "idx_securities_symbol",
                table: "securities",
                column: "symbol");

            migrationBuilder.CreateIndex(
                name: "idx_securities_type",
                table: "securities",
                column: "type");

            migrationBuilder.CreateIndex(
                name: "securities_isin_key",
                table: "securities",
                column: "isin",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "idx_sync_logs_connection_id",
                table: "sync_logs",
                column: "connection_id");

            migrationBuilder.CreateIndex(
                name: "idx_sync_logs_created_at",
                table: "sync_logs",
                column: "created_at",
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "idx_sync_logs_status",
                table: "sync_logs",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "idx_trading_orders_created_at",
                table: "trading_orders",
                column: "created_at",
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "idx_trading_orders_pending",
                table: "trading_orders",
                columns: new[] { "user_id", "created_at" },
                descending: new[] { false, true },
                filter: "status IN ('pending', 'placed')");

            migrationBuilder.CreateIndex(
                name: "idx_trading_orders_security_id",
                table: "trading_orders",
                column: "security_id");

            migrationBuilder.CreateIndex(
                name: "idx_trading_orders_status",
                table: "trading_orders",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "idx_trading_orders_user_id",
                table: "trading_orders",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_claims_user_id",
                table: "user_claims",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_logins_user_id",
                table: "user_logins",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "idx_notifications_unread",
                table: "user_notifications",
                columns: new[] { "user_id", "created_at" },
                descending: new[] { false, true },
                filter: "is_read = false");

            migrationBuilder.CreateIndex(
                name: "idx_user_notifications_created_at",
                table: "user_notifications",
                column: "created_at",
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "idx_user_notifications_is_read",
                table: "user_notifications",
                columns: new[] { "user_id", "is_read" });

            migrationBuilder.CreateIndex(
                name: "idx_user_notifications_user_id",
                table: "user_notifications",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "idx_user_preferences_user_id",
                table: "user_preferences",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "user_preferences_user_id_key",
                table: "user_preferences",
                column: "user_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_user_roles_role_id",
                table: "user_roles",
                column: "role_id");

            migrationBuilder.CreateIndex(
                name: "idx_user_security_user_id",
                table: "user_security",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "user_security_user_id_key",
                table: "user_security",
                column: "user_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "idx_user_sessions_expires_at",
                table: "user_sessions",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "idx_user_sessions_token_hash",
                table: "user_sessions",
                column: "token_hash");

            migrationBuilder.CreateIndex(
                name: "idx_user_sessions_user_id",
                table: "user_sessions",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "user_sessions_refresh_token_hash_key",
                table: "user_sessions",
                column: "refresh_token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "user_sessions_token_hash_key",
                table: "user_sessions",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "idx_users_email",
                table: "users",
                column: "email");

            migrationBuilder.CreateIndex(
                name: "idx_users_kyc_status",
                table: "users",
                column: "kyc_status");

            migrationBuilder.CreateIndex(
                name: "idx_users_status",
                table: "users",
                column: "status",
                filter: "status = 'active'");

            migrationBuilder.CreateIndex(
                name: "ix_users_normalized_email",
                table: "users",
                column: "normalized_email",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_users_normalized_user_name",
                table: "users",
                column: "normalized_user_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "users_email_key",
                table: "users",
                column: "email",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "users_pan_card_hash_key",
                table: "users",
                column: "pan_card_hash",
                unique: true);

            // What EF cannot express (see Sql/README.md), in dependency order.
            migrationBuilder.Run("01_functions.sql");
            migrationBuilder.Run("02_partitioned_tables.sql");
            migrationBuilder.Run("03_audit_trigger.sql");
            migrationBuilder.Run("04_goal_links.sql");
            migrationBuilder.Run("05_row_level_security.sql");
            migrationBuilder.Run("06_portfolio_summary.sql");
            migrationBuilder.Run("07_reference_data.sql");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP MATERIALIZED VIEW IF EXISTS mv_portfolio_summary;
                DROP TABLE IF EXISTS transactions, transactions_archive, market_data, audit_logs CASCADE;
                DROP FUNCTION IF EXISTS my_portfolio_summary(), refresh_portfolio_summary(), maintain_partitions(integer),
                  spark_ensure_partitions(text, date, date), spark_ensure_partition(text, date), spark_partition_for(text, date),
                  goals_check_linked_investments(), audit_trigger_func(), rls_bypassed(), current_user_id();
                """);

            migrationBuilder.DropTable(
                name: "ai_analyses");

            migrationBuilder.DropTable(
                name: "cash_accounts");

            migrationBuilder.DropTable(
                name: "cash_ledger");

            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropTable(
                name: "goal_contributions");

            migrationBuilder.DropTable(
                name: "investment_holdings");

            migrationBuilder.DropTable(
                name: "market_data_daily");

            migrationBuilder.DropTable(
                name: "order_executions");

            migrationBuilder.DropTable(
                name: "plan_executions");

            migrationBuilder.DropTable(
                name: "role_claims");

            migrationBuilder.DropTable(
                name: "sync_logs");

            migrationBuilder.DropTable(
                name: "user_claims");

            migrationBuilder.DropTable(
                name: "user_logins");

            migrationBuilder.DropTable(
                name: "user_notifications");

            migrationBuilder.DropTable(
                name: "user_preferences");

            migrationBuilder.DropTable(
                name: "user_roles");

            migrationBuilder.DropTable(
                name: "user_security");

            migrationBuilder.DropTable(
                name: "user_sessions");

            migrationBuilder.DropTable(
                name: "user_tokens");

            migrationBuilder.DropTable(
                name: "investments");

            migrationBuilder.DropTable(
                name: "trading_orders");

            migrationBuilder.DropTable(
                name: "auto_invest_plans");

            migrationBuilder.DropTable(
                name: "roles");

            migrationBuilder.DropTable(
                name: "platform_connections");

            migrationBuilder.DropTable(
                name: "securities");

            migrationBuilder.DropTable(
                name: "goals");

            migrationBuilder.DropTable(
                name: "auto_invest_strategies");

            migrationBuilder.DropTable(
                name: "users");
        }
    }
}
