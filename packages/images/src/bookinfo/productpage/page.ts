/**
 * productpage's HTML, shaped as Istio's samples/bookinfo productpage.html
 * (Bootstrap markup): the product summary, details, and each review with
 * `glyphicon-star` / `glyphicon-star-empty` spans inside `<font color="…">`,
 * so the labs' greps count stars as they do against the real page.
 */
export interface Review {
  readonly reviewer?: string;
  readonly text?: string;
  readonly rating?: { readonly stars?: number; readonly color?: string; readonly error?: string };
}

export interface PageModel {
  readonly user: string;
  readonly product: { readonly title: string; readonly descriptionHtml: string };
  readonly details: Record<string, unknown> & { error?: string };
  readonly reviews: { readonly reviews?: readonly Review[]; readonly podname?: string; readonly clustername?: string; readonly error?: string };
}

export const PRODUCT = {
  id: 0,
  title: 'The Comedy of Errors',
  descriptionHtml: '<a href="https://en.wikipedia.org/wiki/The_Comedy_of_Errors">Wikipedia Summary</a>: The Comedy of Errors is one of <b>William Shakespeare\'s</b> early plays. It is his shortest and one of his most farcical comedies, with a major part of the humour coming from slapstick and mistaken identity, in addition to puns and word play.',
} as const;

function escape(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function head(title: string): string {
  return `<!DOCTYPE html>
<html>
<head>
<title>${title}</title>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="static/bootstrap/css/bootstrap.min.css">
<link rel="stylesheet" href="static/bootstrap/css/bootstrap-theme.min.css">
</head>
`;
}

export function renderProductPage(m: PageModel): string {
  const nav = m.user
    ? `<p class="navbar-text navbar-right">
<i class="glyphicon glyphicon-user" aria-hidden="true"></i>
<span style="padding-left: 5px;">${escape(m.user)} ( <a href="logout">sign out</a> )</span>
</p>`
    : `<button type="button" class="btn btn-default navbar-btn pull-right" data-toggle="modal" href="#login-modal">Sign in</button>`;
  const details = m.details.error
    ? `<h4 class="text-center text-primary">Error fetching product details!</h4>\n<p>${escape(m.details.error)}</p>`
    : `<h4 class="text-center text-primary">Book Details</h4>
<dl>
<dt>Type:</dt>${escape(m.details.type)}
<dt>Pages:</dt>${escape(m.details.pages)}
<dt>Publisher:</dt>${escape(m.details.publisher)}
<dt>Language:</dt>${escape(m.details.language)}
<dt>ISBN-10:</dt>${escape(m.details['ISBN-10'])}
<dt>ISBN-13:</dt>${escape(m.details['ISBN-13'])}
</dl>`;
  const reviews = m.reviews.error
    ? `<h4 class="text-center text-primary">Error fetching product reviews!</h4>\n<p>${escape(m.reviews.error)}</p>`
    : `<h4 class="text-center text-primary">Book Reviews</h4>
${(m.reviews.reviews ?? []).map(renderReview).join('\n')}
<dl>
<dt>Reviews served by:</dt>
<u>${escape(m.reviews.podname ?? '')}</u>
${m.reviews.clustername && m.reviews.clustername !== 'null' ? `on cluster <u>${escape(m.reviews.clustername)}</u>` : ''}
</dl>`;
  return `${head('Simple Bookstore App')}<body>
<nav class="navbar navbar-inverse navbar-static-top">
<div class="container">
<div class="navbar-header">
<a class="navbar-brand" href="#">BookInfo Sample</a>
</div>
${nav}
</div>
</nav>
<div id="login-modal" class="modal fade" role="dialog">
<div class="modal-dialog">
<div class="modal-content">
<div class="modal-header"><h4 class="modal-title">Please sign in</h4></div>
<div class="modal-body">
<form method="post" action='login' name="login_form">
<p><input type="text" class="form-control" name="username" id="username" placeholder="User Name"></p>
<p><input type="password" class="form-control" name="passwd" placeholder="Password"></p>
<p><button type="submit" class="btn btn-primary">Sign in</button></p>
</form>
</div>
</div>
</div>
</div>
<div class="container-fluid">
<div class="row">
<div class="col-md-12">
<h3 class="text-center text-primary">${escape(m.product.title)}</h3>
<p>Summary: ${m.product.descriptionHtml}</p>
</div>
</div>
<div class="row">
<div class="col-md-6">
${details}
</div>
<div class="col-md-6">
${reviews}
</div>
</div>
</div>
</body>
</html>
`;
}

function renderReview(r: Review): string {
  const lines = ['<blockquote>', `<p>${escape(r.text ?? '')}</p>`, `<small>${escape(r.reviewer ?? '')}</small>`];
  if (r.rating?.stars !== undefined) {
    const stars = Math.max(0, Math.min(5, r.rating.stars));
    lines.push(`<font color="${escape(r.rating.color ?? 'black')}">`);
    for (let i = 0; i < stars; i++) lines.push('<span class="glyphicon glyphicon-star"></span>');
    for (let i = stars; i < 5; i++) lines.push('<span class="glyphicon glyphicon-star-empty"></span>');
    lines.push('</font>');
  } else if (r.rating?.error) {
    lines.push(`<p><i>${escape(r.rating.error)}</i></p>`);
  }
  lines.push('</blockquote>');
  return lines.join('\n');
}

export function renderIndex(): string {
  return `${head('Simple Bookstore App')}<body>
<div class="container">
<div class="row">
<div class="col-md-12">
<h3>Hello! This is a simple bookstore application consisting of three services as shown below</h3>
</div>
<div class="col-md-12">
<p>Click on one of the links below to auto generate a request to the backend as a real user or a tester</p>
<p><a href="productpage?u=normal">Normal user</a></p>
<p><a href="productpage?u=test">Test user</a></p>
</div>
</div>
</div>
</body>
</html>
`;
}
