//! Strategies that generate valid schedules, holidays and calendars, for
//! property tests.
