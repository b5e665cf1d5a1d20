// The project store on both drivers: round trips, optimistic revisions, version numbering and
// retention, listing filters, members and transfer.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "core/ids.h"
#include "projects/store.h"
#include "support/databases.h"

namespace od::projects {
namespace {

class ProjectStoreTest : public od::testing::DatabaseTest {
 protected:
  std::string add_user() {
    std::string id = new_id();
    db().execute("INSERT INTO users (id, email, created_at, updated_at) VALUES ($1, $2, 0, 0)",
                 {id, id + "@example.com"});
    return id;
  }
  Project make_project(const std::string& owner, const std::string& title) {
    Project p;
    p.id = new_id();
    p.owner_id = owner;
    p.title = title;
    p.tags = {"web"};
    p.design = {{"root", {{"type", "frame"}}}};
    p.code = {{"html", "<p>hi</p>"}, {"framework", "plain"}};
    p.created_at = p.updated_at = 1000;
    return p;
  }
  Version version_of(const Project& p) {
    Version v;
    v.id = new_id();
    v.project_id = p.id;
    v.design = p.design;
    v.code = p.code;
    v.created_at = 1000;
    return v;
  }
};

TEST_P(ProjectStoreTest, RoundTripsAProjectWithItsFirstVersion) {
  ProjectStore store(db());
  Project p = make_project(add_user(), "Landing");
  p.design["text"] = "héllo ✓";
  Version first = version_of(p);
  store.insert(p, first);
  EXPECT_EQ(first.number, 1);
  auto found = store.find(p.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->title, "Landing");
  EXPECT_EQ(found->design, p.design);
  EXPECT_EQ(found->code, p.code);
  EXPECT_EQ(found->tags, std::vector<std::string>{"web"});
  EXPECT_TRUE(store.version(p.id, 1));
}

TEST_P(ProjectStoreTest, UpdateChecksTheRevision) {
  ProjectStore store(db());
  Project p = make_project(add_user(), "A");
  Version first = version_of(p);
  store.insert(p, first);
  p.title = "B";
  p.revision = 2;
  EXPECT_TRUE(store.update(p, 1, nullptr, 10));
  p.title = "C";
  p.revision = 3;
  EXPECT_FALSE(store.update(p, 1, nullptr, 10)) << "stale revision";
  EXPECT_EQ(store.find(p.id)->title, "B");
}

TEST_P(ProjectStoreTest, VersionsAreNumberedUniquelyUnderConcurrencyAndTrimmed) {
  ProjectStore store(db());
  Project p = make_project(add_user(), "V");
  Version first = version_of(p);
  store.insert(p, first);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        Version v = version_of(p);
        store.insert_version(v, 100);
      }
    });
  }
  for (auto& t : threads) t.join();
  auto all = store.versions(p.id, INT64_MAX, 100);
  ASSERT_EQ(all.size(), 21u);
  std::set<int64_t> numbers;
  for (const auto& v : all) numbers.insert(v.number);
  EXPECT_EQ(numbers.size(), 21u);
  EXPECT_EQ(*numbers.rbegin(), 21);
  Version last = version_of(p);
  store.insert_version(last, 5);
  auto kept = store.versions(p.id, INT64_MAX, 100);
  ASSERT_EQ(kept.size(), 5u);
  EXPECT_EQ(kept.front().number, 22);
  EXPECT_EQ(kept.back().number, 18);
}

TEST_P(ProjectStoreTest, ListFiltersByScopeTagTextAndPages) {
  ProjectStore store(db());
  std::string alice = add_user(), bob = add_user();
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    Project p = make_project(alice, i == 2 ? "100% Blue_sky" : "Plain " + std::to_string(i));
    p.tags = {i % 2 ? "odd" : "even"};
    p.is_public = i == 0;
    Version v = version_of(p);
    store.insert(p, v);
    ids.push_back(p.id);
  }
  ListFilter mine{.viewer_id = alice, .scope = "mine"};
  EXPECT_EQ(store.list(mine).size(), 4u);
  ListFilter bobs{.viewer_id = bob, .scope = "mine"};
  EXPECT_EQ(store.list(bobs).size(), 0u);
  ListFilter anyone{.viewer_id = "", .scope = "public"};
  EXPECT_EQ(store.list(anyone).size(), 1u);
  ListFilter bob_all{.viewer_id = bob, .scope = "all"};
  EXPECT_EQ(store.list(bob_all).size(), 1u) << "only the public one";
  store.upsert_member(ids[1], {bob, "viewer", 5});
  EXPECT_EQ(store.list(bobs).size(), 1u) << "membership makes it his";

  ListFilter tagged{.viewer_id = alice, .scope = "mine"};
  tagged.tag = "odd";
  EXPECT_EQ(store.list(tagged).size(), 2u);
  ListFilter text{.viewer_id = alice, .scope = "mine"};
  text.text = "0% blue_";
  auto found = store.list(text);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found.front().id, ids[2]);
  text.text = "_";
  EXPECT_EQ(store.list(text).size(), 1u) << "_ is literal, not a wildcard";

  ListFilter page{.viewer_id = alice, .scope = "mine"};
  page.limit = 3;
  auto first = store.list(page);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first.front().id, ids[3]) << "newest first";
  page.before_id = first.back().id;
  auto second = store.list(page);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second.front().id, ids[0]);
}

TEST_P(ProjectStoreTest, MembersAndTransfer) {
  ProjectStore store(db());
  std::string alice = add_user(), bob = add_user();
  Project p = make_project(alice, "M");
  Version v = version_of(p);
  store.insert(p, v);
  store.upsert_member(p.id, {bob, "viewer", 1});
  EXPECT_EQ(store.member_role(p.id, bob), "viewer");
  store.upsert_member(p.id, {bob, "editor", 2});
  EXPECT_EQ(store.member_role(p.id, bob), "editor");
  store.transfer(p.id, alice, bob, 3);
  EXPECT_EQ(store.find(p.id)->owner_id, bob);
  EXPECT_EQ(store.member_role(p.id, bob), "") << "the new owner is no longer a member";
  EXPECT_EQ(store.member_role(p.id, alice), "editor") << "the old owner stays on as an editor";
  EXPECT_TRUE(store.remove_member(p.id, alice));
  EXPECT_FALSE(store.remove_member(p.id, alice));
  EXPECT_TRUE(store.remove(p.id));
  EXPECT_FALSE(store.find(p.id));
  EXPECT_TRUE(store.versions(p.id, INT64_MAX, 10).empty()) << "versions go with the project";
}

OD_INSTANTIATE_DATABASE_TEST(ProjectStoreTest);

}  // namespace
}  // namespace od::projects
