// REST routes of comments: /api/v1/projects/{id}/comments (threads, paged newest first),
// /comments/{commentId} (a thread with its replies; edit; delete), /replies, /resolve, /reopen.
#pragma once

#include "comments/service.h"
#include "http/router.h"

namespace od::comments {

void register_routes(http::Router& router, CommentsService& service);

}  // namespace od::comments
