// Lesson and scenario words in the app's language. Lessons and scenarios are written in English in their
// own files (assets/lessons, assets/scenarios); another language's catalog translates them under
// "lesson.<id>.<field>", "lesson.<id>.<page>.<field>" (pages counted from 1) and "scenario.<id>.<field>",
// with '-' in a file name written '_'. Tests: tests/core/test_text.cpp (Text.*).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "attn/scenario.h"
#include "attn/text.h"
#include "state/words.h"

namespace state {

struct AppState;
struct Lesson;

// A lesson's words: page −1 for the lesson's own "title" and "audience"; a page's "title", "narration" and
// "question". The catalog's text when it has the id, else the lesson file's (the message's fallback; no id
// for a field the lesson does not have, which says "").
attn::Message lesson_message(const Lesson& l, int page, const char* field);
std::string lesson_words(const Words& w, const Lesson& l, int page, const char* field);
// A scenario's "title" or "framing", the same way.
attn::Message scenario_message(const attn::Scenario& sc, const char* field);
std::string scenario_words(const Words& w, const attn::Scenario& sc, const char* field);

// Every such id with its English text: what each catalog other than English must translate.
std::map<std::string, std::string> content_messages(const std::vector<Lesson>& lessons,
                                                    const std::vector<attn::Scenario>& scenarios);

}  // namespace state
