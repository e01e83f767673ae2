/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <memory>
#include <utility>

/*
 * The library's side of DMABRIDGE_DECLARE_PRIVATE (public.h), written where State is
 * complete (unique_ptr's deleter needs it), inside namespace dmabridge: the constructor
 * from State, and the destructor and move operations, all defaulted.
 */
#define DMABRIDGE_DEFINE_PRIVATE(Klass)                                                            \
	Klass::Klass(std::unique_ptr<State> state) : state_(std::move(state)) {}                   \
	Klass::~Klass() = default;                                                                 \
	Klass::Klass(Klass &&) noexcept = default;                                                 \
	Klass &Klass::operator=(Klass &&) noexcept = default;
