// The comments table on both drivers: threads with replies, edits, resolve and reopen, thread
// listings newest first with filters, keyset pages and reply counts, deleting a thread with its
// replies, and comments going with their project (authors' accounts leave them in place).
#include "comments/store.h"

#include <gtest/gtest.h>

#include "core/ids.h"
#include "support/databases.h"

namespace od::comments {
namespace {

class CommentStoreTest : public od::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    user_ = add_user();
    project_ = new_id();
    db().execute(
        "INSERT INTO projects (id, owner_id, title, created_at, updated_at) "
        "VALUES ($1, $2, 'p', 0, 0)",
        {project_, user_});
  }
  std::string add_user() {
    std::string id = new_id();
    db().execute("INSERT INTO users (id, email, created_at, updated_at) VALUES ($1, $2, 0, 0)",
                 {id, id + "@example.com"});
    return id;
  }
  Comment thread(const std::string& body, nlohmann::json anchor = {{"nodeId", "n"}}) {
    Comment c;
    c.id = new_id();
    c.thread_id = c.id;
    c.project_id = project_;
    c.author_id = user_;
    c.body = body;
    c.anchor = std::move(anchor);
    c.created_at = c.updated_at = 10;
    return c;
  }
  Comment reply_to(const Comment& t, const std::string& body) {
    Comment c = thread(body, nullptr);
    c.thread_id = t.id;
    return c;
  }

  std::string user_;
  std::string project_;
};

TEST_P(CommentStoreTest, ThreadsAndRepliesRoundTrip) {
  CommentStore store(db());
  auto t = thread("hi \"there\" ☃", {{"file", "a.js"}, {"from", 1}, {"to", 4}});
  t.mentions = {user_};
  store.insert(t);
  store.insert(reply_to(t, "first"));
  store.insert(reply_to(t, "second"));
  auto found = store.find(project_, t.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->body, t.body);
  EXPECT_EQ(found->anchor, t.anchor);
  EXPECT_EQ(found->mentions, t.mentions);
  EXPECT_TRUE(found->is_thread());
  EXPECT_EQ(found->resolved_at, 0);
  EXPECT_FALSE(store.find("other-project", t.id));
  auto replies = store.replies(t.id);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].body, "first");
  EXPECT_TRUE(replies[0].anchor.is_null());
  EXPECT_EQ(store.reply_count(t.id), 2);
}

TEST_P(CommentStoreTest, EditsResolvesAndReopens) {
  CommentStore store(db());
  auto t = thread("before");
  store.insert(t);
  store.update_body(t.id, "after", {user_}, 99);
  store.set_resolved(t.id, 50, user_);
  auto found = *store.find(project_, t.id);
  EXPECT_EQ(found.body, "after");
  EXPECT_EQ(found.updated_at, 99);
  EXPECT_EQ(found.resolved_at, 50);
  EXPECT_EQ(found.resolved_by, user_);
  store.set_resolved(t.id, 0, "");
  found = *store.find(project_, t.id);
  EXPECT_EQ(found.resolved_at, 0);
  EXPECT_EQ(found.resolved_by, "");
}

TEST_P(CommentStoreTest, ListsThreadsNewestFirstByFilterAndPage) {
  CommentStore store(db());
  std::vector<Comment> made;
  for (int i = 0; i < 5; ++i) {
    made.push_back(thread("t" + std::to_string(i)));
    store.insert(made.back());
  }
  store.insert(reply_to(made[1], "r"));
  store.set_resolved(made[3].id, 5, user_);
  auto page = store.threads(project_, ThreadFilter::kAll, "", 3);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].id, made[4].id);
  auto rest = store.threads(project_, ThreadFilter::kAll, page.back().id, 3);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].id, made[1].id);
  EXPECT_EQ(rest[0].reply_count, 1);
  EXPECT_EQ(store.threads(project_, ThreadFilter::kResolved, "", 10).size(), 1u);
  EXPECT_EQ(store.threads(project_, ThreadFilter::kOpen, "", 10).size(), 4u);
}

TEST_P(CommentStoreTest, DeletingAThreadTakesItsReplies) {
  CommentStore store(db());
  auto t = thread("t");
  auto r = reply_to(t, "r");
  auto other = thread("other");
  store.insert(t);
  store.insert(r);
  store.insert(other);
  store.remove(r);
  EXPECT_EQ(store.reply_count(t.id), 0);
  store.insert(reply_to(t, "r2"));
  store.remove(t);
  EXPECT_FALSE(store.find(project_, t.id));
  EXPECT_TRUE(store.replies(t.id).empty());
  EXPECT_TRUE(store.find(project_, other.id));
}

TEST_P(CommentStoreTest, CommentsGoWithTheProjectButOutliveTheirAuthor) {
  CommentStore store(db());
  std::string author = add_user();
  auto t = thread("t");
  t.author_id = author;
  store.insert(t);
  db().execute("DELETE FROM users WHERE id = $1", {author});
  auto found = store.find(project_, t.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->author_id, "");
  db().execute("DELETE FROM projects WHERE id = $1", {project_});
  EXPECT_FALSE(store.find(project_, t.id));
}

OD_INSTANTIATE_DATABASE_TEST(CommentStoreTest);

}  // namespace
}  // namespace od::comments
