// WarmPool: the naming and spec rules of a Lab's warm pool (spec.warmPool: {size: N}).
//
// A template Lab with a warm pool has N spare copies kept up: Labs named <template>-warm-<k>,
// labelled labctl.dev/warm-pool=<template>, annotated with the pool hash of the template spec
// they were made from, with the template's spec minus warmPool and runPolicy Always. A Session
// for the template is handed a Ready spare; its status.lab then names that spare, and
// SessionLab() is the one answer to "which Lab does this Session hold". Pure: no I/O.
#pragma once

#include <optional>
#include <string>

#include "api/field_errors.h"
#include "api/object.h"

namespace labctl::api {

inline constexpr char kWarmPoolLabel[] = "labctl.dev/warm-pool";                // = template name
inline constexpr char kWarmPoolHashAnnotation[] = "labctl.dev/warm-pool-hash";  // PoolSpecHash
// Store index of Labs by the template whose spare they are (key: the template's name).
inline constexpr char kWarmPoolIndex[] = "warm-pool";
inline constexpr int kMaxWarmPoolSize = 20;
// Room a spare's suffix takes in a Lab name ("-warm-" and up to three digits).
inline constexpr size_t kSpareSuffixRoom = 9;

// spec.warmPool.size, 0 when absent.
int WarmPoolSize(const json& lab);
// The template a spare belongs to (its label), "" for a Lab that is no spare.
std::string PoolTemplateOf(const json& lab);
// Store index key: PoolTemplateOf, nullopt for Labs that are no spare.
std::optional<std::string> WarmPoolIndexKey(const json& lab);

std::string SpareName(const std::string& templ, int index);
// Whether `lab` is named as a spare of `templ` (<templ>-warm-<digits>).
bool IsSpareNameOf(const std::string& lab, const std::string& templ);

// Fingerprint of what a spare copies from its template: the spec without warmPool.
std::string PoolSpecHash(const json& templ);
// A new spare of `templ` (metadata and spec; no status).
json MakeSpare(const json& templ, int index);
// Whether a spare was made from the template's current spec.
bool SpareIsCurrent(const json& spare, const json& templ);

// The Lab a Session holds or will hold: status.lab when it belongs to spec.lab (the lab itself
// or one of its spares), else spec.lab; "" without spec.lab.
std::string SessionLab(const json& session);
// The same rule from the two fields (spec.lab, status.lab).
std::string SessionLabOf(const std::string& wanted, const std::string& held);

// spec.warmPool of a Lab named `name` (422 causes name spec.warmPool.size).
void ValidateWarmPool(const json& spec, const json* name, FieldErrors& errs);

}  // namespace labctl::api
